// ESC/POS bytes for a ReceiptDocument on one printer profile.
//
// Every job starts ESC @ (reset), FS . (leave Kanji mode: Chinese-market
// printers boot in it and would read Cyrillic bytes as double-byte glyphs),
// ESC t n (the profile's table). Then, per block: text through the CodePage
// with ESC E (bold), GS ! (double size) and ESC a (alignment) sent only when
// they change, ended by LF; QR as GS ( k (model 2, module size, ECC M, store,
// print, then ESC d 1) or as a centred GS v 0 raster; ESC d n feeds; GS V 66 0
// (feed to the cutter, partial cut) or, without a cutter, ESC d 4 to the tear
// bar; ESC p 0 25 250 pulses the drawer.
//
// A text line wider than the profile once converted (half the columns when
// double size; a substitution like ₽ -> "р." counts its real width) or
// holding control characters is refused with an error naming the line: the
// printer must never wrap. Errors are kInvalidInput: the document can never
// print as it is; fix the layout, retrying will not help.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "hardware/escpos_codepage.h"
#include "hardware/receipt_document.h"

namespace loyalpos::hardware {

inline constexpr std::size_t kMaxNativeQrBytes = 7089;  // GS ( k store: pL pH = k + 3

class EscPosEncoder {
 public:
  // Errors: an invalid profile, an encoding iconv does not know.
  static Result<EscPosEncoder> create(const PrinterProfile& profile);

  Result<std::vector<std::uint8_t>> encode(const ReceiptDocument& document);

  // Columns the line takes on paper, as printed in this profile's table.
  Result<int> printed_width(std::string_view utf8_line);
  // What the paper shows for the line: the table's glyphs, substitutions and '?'.
  Result<std::string> as_printed(std::string_view utf8_line);

  const PrinterProfile& profile() const { return profile_; }

 private:
  EscPosEncoder(PrinterProfile profile, CodePage code_page)
      : profile_(std::move(profile)), code_page_(std::move(code_page)) {}

  PrinterProfile profile_;
  CodePage code_page_;
};

// One-off: create + encode.
Result<std::vector<std::uint8_t>> encode_escpos(const ReceiptDocument& document,
                                                const PrinterProfile& profile);

// GS ( k: select model 2, module size, ECC M, store `payload`, print.
// Errors: an empty payload, one over kMaxNativeQrBytes, module size outside 1..16.
Result<std::vector<std::uint8_t>> native_qr_command(std::string_view payload, int module_size);

}  // namespace loyalpos::hardware
