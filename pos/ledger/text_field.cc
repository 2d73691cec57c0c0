#include "pos/ledger/text_field.h"

#include "base/utf8.h"

namespace loyalpos::pos {

Status check_text_field(const std::string& what, std::string_view value, std::size_t max_chars) {
  if (!is_valid_utf8(value)) return Error::invalid(what + " is not UTF-8 text");
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return Error::invalid(what +
                            " must be one line of text (no tabs, line breaks or "
                            "control characters)");
    }
  }
  if (utf8_length(value) > max_chars) {
    return Error::invalid(what + " is longer than " + std::to_string(max_chars) + " characters");
  }
  return ok_status();
}

}  // namespace loyalpos::pos
