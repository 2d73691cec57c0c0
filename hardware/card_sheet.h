// Printable sheets of loyalty cards: an A4 PDF of wallet-size cards
// (ISO/IEC 7810 ID-1, 85.6 x 54 mm), 2 columns x 5 rows per page with
// hairline cut marks, as many pages as needed. Each card shows the shop
// name, the QR of the card link and the grouped code printed under it (what
// a barista types when a QR will not scan). Drawn with Cairo, text with
// Pango in DejaVu Sans.
#pragma once

#include <loyalpos/result.h>

#include <string>
#include <string_view>
#include <vector>

namespace loyalpos::hardware {

inline constexpr int kCardSheetColumns = 2;
inline constexpr int kCardSheetRows = 5;
inline constexpr int kCardsPerSheetPage = kCardSheetColumns * kCardSheetRows;

struct SheetCard {
  std::string url;    // what the QR holds: loyalty::card_url(base, token)
  std::string token;  // printed as given under the QR (a card code grouped in fours)
};

// Writes the PDF to `pdf_path` whole or not at all (hardware/file_output.h):
// a regular file there is replaced; a device, a folder or a symbolic link is
// refused. Errors: no cards, a link that cannot be a QR code, a code too
// long to print, I/O in plain words ("the disk is full").
Status write_card_sheet(const std::vector<SheetCard>& cards, std::string_view shop_name,
                        const std::string& pdf_path);

// The same sheet for any codes, e.g. a promotion's coupons: `heading` on
// every card (instead of the shop name), `title` in the PDF's metadata.
Status write_code_sheet(const std::vector<SheetCard>& cards, std::string_view heading,
                        std::string_view title, const std::string& pdf_path);

}  // namespace loyalpos::hardware
