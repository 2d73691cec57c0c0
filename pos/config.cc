#include "pos/config.h"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace loyalpos::pos {

namespace {

class Parser {
 public:
  explicit Parser(std::string source) : source_(std::move(source)) {}

  Error error_at(const toml::node& node, const std::string& what) const {
    return Error::invalid(source_ + ":" + std::to_string(node.source().begin.line) + ": " + what);
  }
  Error error_in_file(const std::string& what) const { return Error::invalid(source_ + ": " + what); }

  Status check_keys(const toml::table& table, const std::set<std::string>& allowed,
                    const std::string& where) const {
    for (const auto& [key, node] : table) {
      if (!allowed.count(std::string(key.str()))) {
        return error_at(node, "unknown key \"" + std::string(key.str()) + "\"" + where);
      }
    }
    return ok_status();
  }

  Result<std::string> string_at(const toml::table& table, const char* key,
                                const std::string& fallback, bool required) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) return error_at(table, "\"" + std::string(key) + "\" is required");
      return fallback;
    }
    const auto* value = node->as_string();
    if (value == nullptr) return error_at(*node, "\"" + std::string(key) + "\" must be a string");
    return value->get();
  }

  Result<std::int64_t> int_at(const toml::table& table, const char* key, std::int64_t fallback,
                              std::int64_t min, std::int64_t max) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return fallback;
    const auto* value = node->as_integer();
    if (value == nullptr) return error_at(*node, "\"" + std::string(key) + "\" must be a number");
    if (value->get() < min || value->get() > max) {
      return error_at(*node, "\"" + std::string(key) + "\" must be from " + std::to_string(min) +
                                 " to " + std::to_string(max) + ", got " +
                                 std::to_string(value->get()));
    }
    return value->get();
  }

  Result<std::vector<std::string>> strings_at(const toml::table& table, const char* key) const {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr) {
      return error_at(*node, "\"" + std::string(key) + "\" must be a list of strings");
    }
    for (const auto& item : *array) {
      const auto* s = item.as_string();
      if (s == nullptr) return error_at(item, "\"" + std::string(key) + "\" must hold strings");
      out.push_back(s->get());
    }
    return out;
  }

  Result<loyalty::StampProgram> stamp_card(const toml::table& t) const {
    LOYALPOS_TRY(check_keys(t, {"id", "name", "categories", "skus", "every"}, " in [[stamp_card]]"));
    loyalty::StampProgram p;
    auto id = string_at(t, "id", "", true);
    if (!id.ok()) return id.error();
    p.id = *id;
    if (p.id.empty()) return error_at(t, "a stamp card's id must not be empty");
    auto name = string_at(t, "name", p.id, false);
    if (!name.ok()) return name.error();
    p.name = *name;
    auto categories = strings_at(t, "categories");
    if (!categories.ok()) return categories.error();
    p.categories = *categories;
    auto skus = strings_at(t, "skus");
    if (!skus.ok()) return skus.error();
    p.skus = *skus;
    if (p.categories.empty() && p.skus.empty()) {
      return error_at(t, "stamp card \"" + p.id + "\" needs categories or skus");
    }
    const toml::node* every = t.get("every");
    if (every == nullptr) return error_at(t, "stamp card \"" + p.id + "\" needs \"every\"");
    auto n = int_at(t, "every", 0, 2, 1000);
    if (!n.ok()) return n.error();
    p.every = static_cast<int>(*n);
    return p;
  }

  Result<Config> parse(const toml::table& root) const {
    LOYALPOS_TRY(check_keys(root, {"language", "card_base_url", "ledger", "scanner", "stamp_card"}, ""));
    Config config;
    auto language = string_at(root, "language", config.language, false);
    if (!language.ok()) return language.error();
    if (*language != "en" && *language != "ru") {
      return error_at(*root.get("language"), "language must be \"en\" or \"ru\"");
    }
    config.language = *language;
    auto base = string_at(root, "card_base_url", config.card_base_url, false);
    if (!base.ok()) return base.error();
    if (base->rfind("https://", 0) != 0 && base->rfind("http://", 0) != 0) {
      return error_at(*root.get("card_base_url"), "card_base_url must start with https://");
    }
    while (!base->empty() && base->back() == '/') base->pop_back();
    config.card_base_url = *base;

    if (const toml::node* ledger = root.get("ledger")) {
      const auto* table = ledger->as_table();
      if (table == nullptr) return error_at(*ledger, "[ledger] must be a table");
      LOYALPOS_TRY(check_keys(*table, {"busy_timeout_ms"}, " in [ledger]"));
      auto timeout = int_at(*table, "busy_timeout_ms", config.busy_timeout_ms, 0, 600000);
      if (!timeout.ok()) return timeout.error();
      config.busy_timeout_ms = static_cast<int>(*timeout);
    }
    if (const toml::node* scanner = root.get("scanner")) {
      const auto* table = scanner->as_table();
      if (table == nullptr) return error_at(*scanner, "[scanner] must be a table");
      LOYALPOS_TRY(check_keys(*table, {"prefix", "suffix"}, " in [scanner]"));
      auto prefix = string_at(*table, "prefix", "", false);
      if (!prefix.ok()) return prefix.error();
      auto suffix = string_at(*table, "suffix", "", false);
      if (!suffix.ok()) return suffix.error();
      config.scanner_prefix = *prefix;
      config.scanner_suffix = *suffix;
    }
    if (const toml::node* cards = root.get("stamp_card")) {
      const auto* array = cards->as_array();
      if (array == nullptr) return error_at(*cards, "stamp cards are written [[stamp_card]]");
      std::set<std::string> ids;
      for (const auto& item : *array) {
        const auto* table = item.as_table();
        if (table == nullptr) return error_at(item, "stamp cards are written [[stamp_card]]");
        auto program = stamp_card(*table);
        if (!program.ok()) return program.error();
        if (!ids.insert(program->id).second) {
          return error_at(item, "two stamp cards have the id \"" + program->id + "\"");
        }
        config.rules.stamp_programs.push_back(std::move(*program));
      }
    }
    return config;
  }

 private:
  std::string source_;
};

}  // namespace

Result<Config> parse_config(std::string_view text, const std::string& source_name) {
  Parser parser(source_name);
  try {
    const toml::table root = toml::parse(text, source_name);
    return parser.parse(root);
  } catch (const toml::parse_error& e) {
    return Error::invalid(source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                          std::string(e.description()));
  }
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::io("cannot read the config " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace loyalpos::pos
