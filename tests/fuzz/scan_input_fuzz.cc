// Fuzzes classify_scan: it must never crash, and anything it calls a card
// must be a canonical token that parses and re-encodes to itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "loyalty/card_token.h"
#include "loyalty/scan_input.h"

namespace {

using loyalpos::loyalty::Scan;

const loyalpos::loyalty::ScanSettings& settings() {
  static const loyalpos::loyalty::ScanSettings kSettings{"https://loyal.example/shop", "]Q1", "#"};
  return kSettings;
}

[[noreturn]] void fail(const char* what, std::string_view token) {
  std::fprintf(stderr, "scan_input_fuzz: %s: '%.*s'\n", what, static_cast<int>(token.size()),
               token.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const auto scan = loyalpos::loyalty::classify_scan(raw, settings());
  if (!scan.ok()) {
    if (scan.error().message().empty()) fail("error without a message", raw);
    return 0;
  }
  if (scan->kind == Scan::Kind::kCard) {
    const auto id = loyalpos::loyalty::parse_token(scan->token);
    if (!id.ok()) fail("card token does not parse", scan->token);
    if (loyalpos::loyalty::encode_token(*id) != scan->token)
      fail("card token not canonical", scan->token);
  }
  if (scan->kind == Scan::Kind::kProductBarcode && scan->barcode.empty())
    fail("empty barcode", raw);
  return 0;
}
