// `journeyd poster` (docs/journeyd.md "Posters"): the join page's QR on a
// page to print, drawn by hardware's Cairo renderer, as the tills' card
// sheets are.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <string>

#include "base/utf8.h"
#include "hardware/poster.h"
#include "sync/journeyd/commands.h"
#include "sync/journeyd/join_page.h"

namespace loyalpos::journeyd {

namespace {

constexpr std::size_t kMaxTitle = 200;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string join_url(std::string public_url, const std::string& source) {
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  return public_url + "/join?src=" + source;
}

int poster(const PosterOptions& o, std::ostream& out, std::ostream& err) {
  // Everything the user typed is checked before the data folder is read.
  if (!valid_source(o.source)) {
    return command_failed(err, Error::invalid("--src \"" + o.source +
                                              "\" is not a join source: 1 to 64 letters, digits, "
                                              "'.', '_' or '-', e.g. window-poster"));
  }
  const std::string size = lower(o.size);
  if (size != "a4" && size != "a5") {
    return command_failed(err, Error::invalid("--size must be a4 or a5, not \"" + o.size + "\""));
  }
  if (o.title && (o.title->empty() || o.title->size() > kMaxTitle || !is_valid_utf8(*o.title))) {
    return command_failed(err, Error::invalid("--title must be 1 to " + std::to_string(kMaxTitle) +
                                              " bytes of UTF-8 text"));
  }
  auto config = read_config(o.dir);
  if (!config.ok()) return command_failed(err, config.error());

  hardware::Poster p;
  p.size = size == "a5" ? hardware::PaperSize::kA5 : hardware::PaperSize::kA4;
  p.title = o.title.value_or("Get your loyalty card\nПолучите карту лояльности");
  p.instruction =
      "Scan the code with your phone's camera: your card opens at once.\n"
      "Наведите камеру телефона на код: карта откроется сразу.";
  p.url = join_url(config->public_url, o.source);
  if (Status s = hardware::write_poster(p, o.out_file); !s.ok()) {
    return command_failed(err, s.error());
  }
  out << "poster for " << p.url << " written to " << o.out_file << " ("
      << (size == "a5" ? "A5" : "A4") << ")\n";
  return 0;
}

}  // namespace loyalpos::journeyd
