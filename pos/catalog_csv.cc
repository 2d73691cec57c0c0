#include "pos/catalog_csv.h"

#include <set>
#include <string>

namespace loyalpos::pos {

namespace {

// Splits one record; `pos` moves past it (and its line end). Quoted fields
// may hold commas, doubled quotes and line breaks.
Result<std::vector<std::string>> read_record(std::string_view text, std::size_t& pos, int& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  bool was_quoted = false;
  while (pos < text.size()) {
    const char c = text[pos];
    if (quoted) {
      if (c == '"') {
        if (pos + 1 < text.size() && text[pos + 1] == '"') {
          fields.back().push_back('"');
          pos += 2;
          continue;
        }
        quoted = false;
        ++pos;
        continue;
      }
      if (c == '\n') ++line;
      fields.back().push_back(c);
      ++pos;
      continue;
    }
    if (c == '"') {
      if (!fields.back().empty() || was_quoted) {
        return Error::invalid("a quote in the middle of a field");
      }
      quoted = was_quoted = true;
      ++pos;
      continue;
    }
    if (c == ',') {
      fields.emplace_back();
      was_quoted = false;
      ++pos;
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
      ++pos;
      return fields;
    }
    if (was_quoted) return Error::invalid("text after a closing quote");
    fields.back().push_back(c);
    ++pos;
  }
  if (quoted) return Error::invalid("a quoted field is never closed");
  return fields;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// UTF-8 without control characters other than tab and line ends.
bool valid_text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      if (c == 0x7f) return false;
    } else if ((c >> 5) == 6) {
      extra = 1;
    } else if ((c >> 4) == 14) {
      extra = 2;
    } else if ((c >> 3) == 30) {
      extra = 3;
    } else {
      return false;
    }
    if (extra > s.size() - i - 1) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += extra + 1;
  }
  return true;
}

bool valid_sku(const std::string& sku) {
  if (sku.empty() || sku.size() > 64) return false;
  for (char c : sku) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<loyalty::Product>> parse_catalog_csv(std::string_view text,
                                                        const loyalty::Currency& currency) {
  if (text.size() > kMaxCatalogBytes) return Error::invalid("the catalog file is over 16 MiB");
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM from spreadsheets
  if (!valid_text(text)) {
    return Error::invalid("the catalog is not UTF-8 text (or holds control characters)");
  }

  std::size_t pos = 0;
  int line = 1;
  auto header = read_record(text, pos, line);
  if (!header.ok()) return header.error().with_context("line 1: ");
  std::vector<std::string> names;
  for (const auto& h : *header) names.push_back(trim(h));
  const bool with_barcode = names.size() == 5 && names[4] == "barcode";
  if (!(names.size() == 4 || with_barcode) || names[0] != "sku" || names[1] != "name" ||
      names[2] != "category" || names[3] != "price") {
    return Error::invalid("line 1: the header must be sku,name,category,price[,barcode]");
  }
  ++line;

  std::vector<loyalty::Product> products;
  std::set<std::string> skus;
  std::set<std::string> barcodes;
  while (pos < text.size()) {
    const int at = line;
    const std::string where = "line " + std::to_string(at) + ": ";
    auto record = read_record(text, pos, line);
    if (!record.ok()) return record.error().with_context(where);
    ++line;
    if (record->size() == 1 && trim((*record)[0]).empty()) continue;  // blank line
    if (record->size() != names.size()) {
      return Error::invalid(where + "expected " + std::to_string(names.size()) + " fields, found " +
                            std::to_string(record->size()));
    }
    loyalty::Product p;
    p.sku = trim((*record)[0]);
    p.name = trim((*record)[1]);
    p.category = trim((*record)[2]);
    if (!valid_sku(p.sku)) {
      return Error::invalid(where + "SKU \"" + p.sku +
                            "\" must be 1-64 letters, digits, '-', '_' or '.'");
    }
    std::string key = p.sku;
    for (auto& c : key) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (!skus.insert(key).second) return Error::invalid(where + "SKU " + p.sku + " appears twice");
    if (p.name.empty()) return Error::invalid(where + "product " + p.sku + " has no name");
    if (p.category.empty()) return Error::invalid(where + "product " + p.sku + " has no category");
    auto price = loyalty::parse_major_units(trim((*record)[3]), currency, INT64_MAX / 1000);
    if (!price.ok()) return price.error().with_context(where);
    p.price = *price;
    if (with_barcode) {
      p.barcode = trim((*record)[4]);
      if (!p.barcode.empty()) {
        if (p.barcode.size() > 14 ||
            p.barcode.find_first_not_of("0123456789") != std::string::npos) {
          return Error::invalid(where + "barcode \"" + p.barcode + "\" must be 8 to 14 digits");
        }
        if (p.barcode.size() < 8) {
          return Error::invalid(where + "barcode \"" + p.barcode + "\" must be 8 to 14 digits");
        }
        if (!barcodes.insert(p.barcode).second) {
          return Error::invalid(where + "barcode " + p.barcode + " appears twice");
        }
      }
    }
    products.push_back(std::move(p));
  }
  if (products.empty()) return Error::invalid("the catalog has no products");
  return products;
}

}  // namespace loyalpos::pos
