// Short text that loyalpos keeps for good: product names and categories
// (printed on receipts, kept in every sale's journey event), the store's and
// the terminal's names, the cashier. Each is strict UTF-8 on one line,
// without control characters, and of bounded length, so no field can grow
// the permanent log or break a receipt's layout.
#pragma once

#include <loyalpos/result.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace loyalpos::pos {

// Limits in characters (code points), not bytes.
inline constexpr std::size_t kMaxProductName = 200;
inline constexpr std::size_t kMaxCategory = 64;
inline constexpr std::size_t kMaxShortName = 100;  // store, terminal, cashier, a sheet's shop

// An error naming `what` ("the name of CROISSANT") when `value` breaks a rule.
Status check_text_field(const std::string& what, std::string_view value, std::size_t max_chars);

}  // namespace loyalpos::pos
