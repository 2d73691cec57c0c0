// The receipt as plain text lines, laid out for a fixed number of columns
// (32 for 58 mm paper, 48 for 80 mm). Widths count characters, not bytes,
// so Cyrillic lines up; no line is ever wider than the paper.
#pragma once

#include <string>
#include <vector>

#include "loyalty/rules.h"
#include "pos/ledger.h"
#include "pos/sale_service.h"

namespace loyalpos::pos {

std::vector<std::string> receipt_lines(const SaleRecord& sale, const TerminalInfo& terminal,
                                       int columns,
                                       loyalty::Language language = loyalty::Language::kEnglish);

// "Pastry card 3/5 — 2 more for a free one", one line per program.
std::vector<std::string> card_progress_lines(const CardHistory& card, const loyalty::Rules& rules);

// Left text and right text on one line of `columns`, the left cut short
// (with "…") when both do not fit.
std::string two_columns(const std::string& left, const std::string& right, int columns);
std::size_t display_width(const std::string& utf8);

}  // namespace loyalpos::pos
