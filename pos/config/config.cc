#include "pos/config/config.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/time_zone.h"
#include "pos/config/detail/config_parser.h"
#include "pos/config/text_file.h"

namespace loyalpos::pos {

namespace {

using detail::ConfigReader;

Status read_settings(const ConfigReader& r, const toml::table& root, Config& config) {
  auto language = r.string_at(root, "language", "en", false);
  if (!language.ok()) return language.error();
  if (*language == "ru") {
    config.rules.language = loyalty::Language::kRussian;
  } else if (*language != "en") {
    return r.error_at(*root.get("language"), "language must be \"en\" or \"ru\"");
  }
  auto base = r.string_at(root, "card_base_url", config.card_base_url, false);
  if (!base.ok()) return base.error();
  if (base->rfind("https://", 0) != 0 && base->rfind("http://", 0) != 0) {
    return r.error_at(*root.get("card_base_url"), "card_base_url must start with https://");
  }
  while (!base->empty() && base->back() == '/') base->pop_back();
  config.card_base_url = *base;
  auto timezone = r.string_at(root, "timezone", "", false);
  if (!timezone.ok()) return timezone.error();
  if (!timezone->empty() && !TimeZone::named(*timezone).ok()) {
    return r.error_at(*root.get("timezone"),
                      "unknown time zone \"" + *timezone + "\" (use a name like Europe/Moscow)");
  }
  config.timezone = *timezone;

  Status status = ok_status();
  if (const auto* ledger = r.table_at(root, "ledger", status)) {
    LOYALPOS_TRY(r.check_keys(*ledger, {"busy_timeout_ms"}, " in [ledger]"));
    auto timeout = r.int_at(*ledger, "busy_timeout_ms", config.busy_timeout_ms, 0, 600000);
    if (!timeout.ok()) return timeout.error();
    config.busy_timeout_ms = static_cast<int>(*timeout);
  }
  LOYALPOS_TRY(status);
  if (const auto* api = r.table_at(root, "api", status)) {
    LOYALPOS_TRY(r.check_keys(*api, {"listen"}, " in [api]"));
    auto listen = r.string_at(*api, "listen", config.api_listen, false);
    if (!listen.ok()) return listen.error();
    if (auto address = parse_listen_address(*listen); !address.ok()) {
      return r.error_at(*api->get("listen"), "[api] " + address.error().message());
    }
    config.api_listen = *listen;
  }
  LOYALPOS_TRY(status);
  LOYALPOS_TRY(read_scanner(r, root, config.scanner));
  config.scanner_prefix = config.scanner.prefix;
  config.scanner_suffix = config.scanner.suffix;
  LOYALPOS_TRY(read_printer(r, root, config.printer));
  LOYALPOS_TRY(read_receipt(r, root, config));
  return status;
}

Status read_journey(const ConfigReader& r, const toml::table& root, loyalty::Rules& rules) {
  Status status = ok_status();
  if (const auto* journey = r.table_at(root, "journey", status)) {
    LOYALPOS_TRY(
        r.check_keys(*journey, {"retention_visits", "lapsed_after_days"}, " in [journey]"));
    auto visits = r.int_at(*journey, "retention_visits", 2, 2, 1000);
    if (!visits.ok()) return visits.error();
    auto lapsed = r.int_at(*journey, "lapsed_after_days", 60, 1, 3650);
    if (!lapsed.ok()) return lapsed.error();
    rules.journey = {static_cast<int>(*visits), static_cast<int>(*lapsed)};
  }
  return status;
}

Status read_referral(const ConfigReader& r, const toml::table& root, loyalty::Rules& rules) {
  Status status = ok_status();
  const auto* referral = r.table_at(root, "referral", status);
  if (referral == nullptr) return status;
  LOYALPOS_TRY(r.check_keys(*referral, {"program", "bonus_stamps"}, " in [referral]"));
  auto program = r.string_at(*referral, "program", "", true);
  if (!program.ok()) return program.error();
  const auto& programs = rules.stamp_programs;
  if (std::none_of(programs.begin(), programs.end(),
                   [&](const loyalty::StampProgram& p) { return p.id == *program; })) {
    return r.error_at(*referral->get("program"),
                      "[referral] program \"" + *program + "\" is not a [[stamp_card]] id");
  }
  auto stamps = r.int_at(*referral, "bonus_stamps", 1, 1, 100);
  if (!stamps.ok()) return stamps.error();
  rules.referral = {*program, static_cast<int>(*stamps)};
  return ok_status();
}

// Parses `text` as TOML and reads it with `read`; a TOML syntax error names
// the source and the line.
template <typename T, typename Read>
Result<T> parse_toml(std::string_view text, const std::string& source_name, Read read) {
  try {
    const toml::table root = toml::parse(text, source_name);
    return read(root);
  } catch (const toml::parse_error& e) {
    return Error::invalid(source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                          std::string(e.description()));
  }
}

// The tables that make the loyalty rules, as config.toml and a rules file
// head office publishes both hold them.
Status read_rules(const ConfigReader& r, const toml::table& root, loyalty::Rules& rules) {
  LOYALPOS_TRY(read_journey(r, root, rules));
  auto cards = r.stamp_cards(root);
  if (!cards.ok()) return cards.error();
  rules.stamp_programs = std::move(*cards);
  auto points = r.points_programs(root, rules.stamp_programs);
  if (!points.ok()) return points.error();
  rules.points_programs = std::move(*points);
  auto tiers = r.tiers(root);
  if (!tiers.ok()) return tiers.error();
  rules.tiers = std::move(*tiers);
  auto promotions = r.promotions(root, rules.tiers);
  if (!promotions.ok()) return promotions.error();
  rules.promotions = std::move(*promotions);
  return read_referral(r, root, rules);
}

Result<Config> read_config(const ConfigReader& r, const toml::table& root) {
  LOYALPOS_TRY(
      r.check_keys(root,
                   {"language", "card_base_url", "timezone", "ledger", "api", "scanner", "printer",
                    "receipt", "journey", "referral", "stamp_card", "points", "promotion", "tier"},
                   ""));
  Config config;
  LOYALPOS_TRY(read_settings(r, root, config));
  LOYALPOS_TRY(read_rules(r, root, config.rules));
  return config;
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  const auto bad = [&] {
    return Error::invalid("listen address \"" + std::string(text) +
                          "\" must be HOST:PORT, like 127.0.0.1:8080");
  };
  if (colon == std::string_view::npos || colon == 0) return bad();
  ListenAddress address;
  address.host = std::string(text.substr(0, colon));
  const auto port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return bad();
  }
  address.port = static_cast<std::uint16_t>(value);
  const bool ipv4 = address.host.find_first_not_of("0123456789.") == std::string::npos &&
                    std::count(address.host.begin(), address.host.end(), '.') == 3;
  if (!ipv4 && address.host != "localhost") return bad();
  return address;
}

Result<Config> parse_config(std::string_view text, const std::string& source_name,
                            const loyalty::Currency& currency) {
  ConfigReader reader(source_name, currency);
  return parse_toml<Config>(text, source_name,
                            [&](const toml::table& root) { return read_config(reader, root); });
}

Result<loyalty::Rules> parse_published_rules(std::string_view text, const std::string& source_name,
                                             const loyalty::Currency& currency,
                                             loyalty::Language language) {
  ConfigReader reader(source_name, currency);
  return parse_toml<loyalty::Rules>(
      text, source_name, [&](const toml::table& root) -> Result<loyalty::Rules> {
        LOYALPOS_TRY(reader.check_keys(
            root, {"journey", "referral", "stamp_card", "points", "promotion", "tier"},
            " (head office's rules hold only the loyalty rules)"));
        loyalty::Rules rules;
        rules.language = language;
        LOYALPOS_TRY(read_rules(reader, root, rules));
        return rules;
      });
}

Result<Config> load_config(const std::string& path, const loyalty::Currency& currency) {
  auto text = read_text_file(path, "the config", kMaxConfigBytes);
  if (!text.ok()) return text.error();
  return parse_config(*text, path, currency);
}

}  // namespace loyalpos::pos
