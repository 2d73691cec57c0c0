// libFuzzer target: the config parser (TOML through toml++, then our checks),
// and the reader of the rules head office publishes, which every till runs
// on what it pulls. Any input parses into rules that hold their promises or
// fails with a message naming the source.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pos/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto published = loyalpos::pos::parse_published_rules(
      text, "published.toml", loyalpos::pos::kDefaultCurrency, loyalpos::loyalty::Language{});
  if (!published.ok() && published.error().message().rfind("published.toml", 0) != 0) {
    std::abort();
  }
  if (published.ok()) {
    for (const auto& p : published->stamp_programs) {
      if (p.every < 2 || p.id.empty() || p.items.empty()) std::abort();
    }
  }
  auto config = loyalpos::pos::parse_config(text, "fuzz.toml");
  if (!config.ok()) {
    if (config.error().message().rfind("fuzz.toml", 0) != 0) std::abort();
    return 0;
  }
  for (const auto& p : config->rules.stamp_programs) {
    if (p.every < 2 || p.id.empty() || p.items.empty()) std::abort();
  }
  return 0;
}
