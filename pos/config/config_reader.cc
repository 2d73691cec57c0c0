#include "pos/config/detail/config_parser.h"

namespace loyalpos::pos::detail {

Error ConfigReader::error_at(const toml::node& node, const std::string& what) const {
  return Error::invalid(source_ + ":" + std::to_string(node.source().begin.line) + ": " + what);
}

Status ConfigReader::check_keys(const toml::table& table, const std::set<std::string>& allowed,
                                const std::string& where) const {
  for (const auto& [key, node] : table) {
    if (!allowed.count(std::string(key.str()))) {
      return error_at(node, "unknown key \"" + std::string(key.str()) + "\"" + where);
    }
  }
  return ok_status();
}

const toml::table* ConfigReader::table_at(const toml::table& parent, const char* key,
                                          Status& status) const {
  const toml::node* node = parent.get(key);
  if (node == nullptr) return nullptr;
  const auto* table = node->as_table();
  if (table == nullptr) status = error_at(*node, "[" + std::string(key) + "] must be a table");
  return table;
}

Result<std::string> ConfigReader::string_at(const toml::table& t, const char* key,
                                            const std::string& fallback, bool required) const {
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    if (required) return error_at(t, "\"" + std::string(key) + "\" is required");
    return fallback;
  }
  const auto* value = node->as_string();
  if (value == nullptr) return error_at(*node, "\"" + std::string(key) + "\" must be a string");
  return value->get();
}

Result<std::int64_t> ConfigReader::int_at(const toml::table& t, const char* key,
                                          std::int64_t fallback, std::int64_t min, std::int64_t max,
                                          bool required) const {
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    if (required) return error_at(t, "\"" + std::string(key) + "\" is required");
    return fallback;
  }
  const auto* value = node->as_integer();
  if (value == nullptr)
    return error_at(*node, "\"" + std::string(key) + "\" must be a whole number");
  if (value->get() < min || value->get() > max) {
    return error_at(*node, "\"" + std::string(key) + "\" must be from " + std::to_string(min) +
                               " to " + std::to_string(max) + ", got " +
                               std::to_string(value->get()));
  }
  return value->get();
}

Result<bool> ConfigReader::bool_at(const toml::table& t, const char* key, bool fallback) const {
  const toml::node* node = t.get(key);
  if (node == nullptr) return fallback;
  const auto* value = node->as_boolean();
  if (value == nullptr)
    return error_at(*node, "\"" + std::string(key) + "\" must be true or false");
  return value->get();
}

Result<std::vector<std::string>> ConfigReader::strings_at(const toml::table& t,
                                                          const char* key) const {
  std::vector<std::string> out;
  const toml::node* node = t.get(key);
  if (node == nullptr) return out;
  const auto* array = node->as_array();
  if (array == nullptr)
    return error_at(*node, "\"" + std::string(key) + "\" must be a list of strings");
  for (const auto& item : *array) {
    const auto* s = item.as_string();
    if (s == nullptr) return error_at(*node, "\"" + std::string(key) + "\" must hold strings");
    out.push_back(s->get());
  }
  return out;
}

Result<std::int64_t> ConfigReader::money_at(const toml::table& t, const char* key,
                                            bool required) const {
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    if (required) return error_at(t, "\"" + std::string(key) + "\" is required");
    return 0;
  }
  std::string text;
  if (const auto* s = node->as_string()) {
    text = s->get();
  } else if (const auto* i = node->as_integer()) {
    text = std::to_string(i->get());
  } else {
    return error_at(*node, "\"" + std::string(key) + "\" must be an amount like \"2.50\" or 250");
  }
  auto amount = loyalty::parse_major_units(text, currency_, INT64_MAX / 1000);
  if (!amount.ok())
    return error_at(*node, "\"" + std::string(key) + "\": " + amount.error().message());
  return *amount;
}

Result<loyalty::ProductSet> ConfigReader::products_at(const toml::table& t,
                                                      const std::string& what) const {
  loyalty::ProductSet set;
  auto categories = strings_at(t, "categories");
  if (!categories.ok()) return categories.error();
  auto skus = strings_at(t, "skus");
  if (!skus.ok()) return skus.error();
  set.categories = *categories;
  set.skus = *skus;
  if (set.empty()) return error_at(t, what + " needs categories or skus");
  return set;
}

}  // namespace loyalpos::pos::detail
