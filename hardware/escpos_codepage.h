// A printer's character table: UTF-8 text to the bytes the printer prints,
// and back (for previews of what the paper shows).
//
// Every character becomes, in this order: the table's own glyph; else the
// first substitution that the table can print in full (₽ -> "р." or "RUB",
// — and – -> "-", « » “ ” -> '"', … -> "...", € -> "EUR", № -> "No", ...);
// else '?'. Raw UTF-8 bytes never reach the printer, and the result does not
// depend on the process locale (no iconv //TRANSLIT). Tables are single-byte:
// one output byte is one printed column.
//
// Holds two iconv descriptors (closed on destruction); not thread-safe.
#pragma once

#include <loyalpos/result.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace loyalpos::hardware {

class CodePage {
 public:
  // `encoding` is an iconv name: "CP866", "CP858", "CP1251", ...
  // Errors: an encoding iconv does not know.
  static Result<CodePage> open(const std::string& encoding);

  // Errors: text that is not valid UTF-8.
  Result<std::string> encode(std::string_view utf8);
  // Bytes of this table as UTF-8; bytes with no meaning become '?'.
  std::string decode(std::string_view bytes);

  const std::string& encoding() const { return encoding_; }

 private:
  struct IconvClose {
    void operator()(void* cd) const;
  };
  using IconvPtr = std::unique_ptr<void, IconvClose>;

  CodePage(std::string encoding, IconvPtr to_page, IconvPtr from_page)
      : encoding_(std::move(encoding)),
        to_page_(std::move(to_page)),
        from_page_(std::move(from_page)) {}

  bool convert_exact(std::string_view utf8, std::string& out);

  std::string encoding_;
  IconvPtr to_page_;
  IconvPtr from_page_;
};

}  // namespace loyalpos::hardware
