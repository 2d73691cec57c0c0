#include "pos/ledger/catalog_csv.h"

#include <set>
#include <string>

#include "base/utf8.h"
#include "pos/ledger/text_field.h"

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

int line_of(std::string_view text, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset; ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

// Strict UTF-8 (loyalty/utf8.h) without control characters other than tab
// and line ends; the error names the line of the first bad byte.
Status check_text(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return Error::invalid("line " + std::to_string(line_of(s, i)) +
                            ": a control character (byte " + std::to_string(c) +
                            ") where text should be");
    }
    const std::size_t length = utf8_sequence_length(s, i);
    if (length == 0 || c == 0x7f) {
      return Error::invalid("line " + std::to_string(line_of(s, i)) +
                            ": not UTF-8 text (a broken character); save the file as UTF-8");
    }
    i += length;
  }
  return ok_status();
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
  LOYALPOS_TRY(check_text(text));

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
    if (!skus.insert(upper_ascii(p.sku)).second)
      return Error::invalid(where + "SKU " + p.sku + " appears twice");
    if (p.name.empty()) return Error::invalid(where + "product " + p.sku + " has no name");
    if (p.category.empty()) return Error::invalid(where + "product " + p.sku + " has no category");
    LOYALPOS_TRY(check_text_field(where + "the name of " + p.sku, p.name, kMaxProductName));
    LOYALPOS_TRY(check_text_field(where + "the category of " + p.sku, p.category, kMaxCategory));
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
