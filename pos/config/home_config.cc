#include "pos/config/home_config.h"

#include <filesystem>
#include <fstream>

#include "pos/config/paths.h"

namespace loyalpos::pos {

Result<Config> load_home_config(const std::string& home, const std::string& config_file,
                                const loyalty::Currency& currency) {
  if (!config_file.empty()) return load_config(config_file, currency);
  const std::string path = config_path(home);
  std::error_code ec;
  if (std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found) {
    return load_config(path, currency);
  }
  return parse_config(default_config_text(), "built-in config", currency);
}

std::string shop_config_text() {
  std::string text(default_config_text());
  const std::string sample_printer = "[printer]\ntype = \"virtual\"";
  if (const auto at = text.find(sample_printer); at != std::string::npos) {
    text.replace(at, sample_printer.size(), "[printer]\ntype = \"none\"");
  }
  return text;
}

Status write_config_if_missing(const std::string& home, std::string_view text) {
  const std::string path = config_path(home);
  if (std::ifstream(path)) return ok_status();
  std::ofstream out(path);
  out << text;
  if (!out) return Error::io("cannot write " + path);
  return ok_status();
}

}  // namespace loyalpos::pos
