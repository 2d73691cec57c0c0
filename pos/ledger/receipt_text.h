// The receipt as plain text lines, laid out for a fixed number of columns
// (32 for 58 mm paper, 48 for 80 mm). Widths are measured by a Measure: by
// default characters, not bytes, so Cyrillic lines up on a screen; for
// paper, the encoder's printed width (a table that lacks ₽ prints "р.").
// No line is ever wider than `columns` as measured.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/time_zone.h"
#include "loyalty/rules.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::pos {

// Columns a line takes where it is shown.
using Measure = std::function<std::size_t(const std::string&)>;
std::size_t display_width(const std::string& utf8);

// Times are shown in `zone`, the store's.
std::vector<std::string> receipt_lines(const SaleRecord& sale, const TerminalInfo& terminal,
                                       const TimeZone& zone, int columns,
                                       loyalty::Language language = loyalty::Language::kEnglish);
// receipt_lines without the shop's name line: what follows the header.
std::vector<std::string> receipt_body_lines(const SaleRecord& sale, const TerminalInfo& terminal,
                                            const TimeZone& zone, int columns,
                                            loyalty::Language language,
                                            const Measure& measure = display_width);

// "Pastry card 3/5 — 2 more for a free one", one line per program.
std::vector<std::string> card_progress_lines(const CardHistory& card, const loyalty::Rules& rules);

// Left text and right text on one line of `columns`, the left cut short
// (with "…") when both do not fit.
std::string two_columns(const std::string& left, const std::string& right, int columns,
                        const Measure& measure = display_width);
// At most `width` columns of a UTF-8 string, cut at a character boundary.
std::string cut_to_width(const std::string& text, std::size_t width,
                         const Measure& measure = display_width);
// Text broken at spaces into lines of at most `columns`.
std::vector<std::string> wrap_text(const std::string& text, int columns,
                                   const Measure& measure = display_width);

}  // namespace loyalpos::pos
