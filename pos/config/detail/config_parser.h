// Internal: reading typed values out of a toml++ table with errors that
// name the file, the line and the key. Shared by config.cc (settings) and
// config_rules.cc (the loyalty rules).
#pragma once

#include <loyalpos/result.h>
#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "loyalty/money.h"
#include "loyalty/rules.h"
#include "pos/config/config.h"

namespace loyalpos::pos::detail {

class ConfigReader {
 public:
  ConfigReader(std::string source, loyalty::Currency currency)
      : source_(std::move(source)), currency_(std::move(currency)) {}

  Error error_at(const toml::node& node, const std::string& what) const;
  Status check_keys(const toml::table& table, const std::set<std::string>& allowed,
                    const std::string& where) const;
  const toml::table* table_at(const toml::table& parent, const char* key, Status& status) const;

  Result<std::string> string_at(const toml::table& t, const char* key, const std::string& fallback,
                                bool required) const;
  Result<std::int64_t> int_at(const toml::table& t, const char* key, std::int64_t fallback,
                              std::int64_t min, std::int64_t max, bool required = false) const;
  Result<bool> bool_at(const toml::table& t, const char* key, bool fallback) const;
  Result<std::vector<std::string>> strings_at(const toml::table& t, const char* key) const;
  // A price in major units, written "2.50" or 250.
  Result<std::int64_t> money_at(const toml::table& t, const char* key, bool required) const;
  Result<loyalty::ProductSet> products_at(const toml::table& t, const std::string& what) const;

  Result<std::vector<loyalty::StampProgram>> stamp_cards(const toml::table& root) const;
  // [[points]]; ids unique among them and the stamp cards (`cards`).
  Result<std::vector<loyalty::PointsProgram>> points_programs(
      const toml::table& root, const std::vector<loyalty::StampProgram>& cards) const;
  Result<std::vector<loyalty::Promotion>> promotions(const toml::table& root,
                                                     const std::vector<loyalty::Tier>& tiers) const;
  Result<std::vector<loyalty::Tier>> tiers(const toml::table& root) const;

 private:
  Result<loyalty::Schedule> schedule(const toml::table& t, const std::string& what) const;
  Result<loyalty::Promotion> promotion(const toml::table& t) const;
  // min_total and min_qty, of a promotion or a stamp card.
  Status minimums(const toml::table& t, const std::string& what,
                  std::optional<std::int64_t>& min_total, std::optional<int>& min_qty) const;
  // code, source, max_uses and max_uses_per_card of a promotion.
  Status code_and_limits(const toml::table& t, const std::string& what,
                         loyalty::Promotion& p) const;

  std::string source_;
  loyalty::Currency currency_;
};

// [printer], [scanner] and [receipt] (config_hardware.cc).
Status read_printer(const ConfigReader& r, const toml::table& root, PrinterConfig& printer);
Status read_scanner(const ConfigReader& r, const toml::table& root, ScannerConfig& scanner);
Status read_receipt(const ConfigReader& r, const toml::table& root, Config& config);

}  // namespace loyalpos::pos::detail
