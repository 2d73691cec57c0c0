// The words loyalty puts on receipts, in English and Russian (UTF-8).
#pragma once

#include <string>

#include "loyalty/rules.h"
#include "loyalty/stamp_card.h"

namespace loyalpos::loyalty {

// "5th free — Pastry card" / "5-й бесплатно — Карта выпечки"
std::string stamp_reward_reason(const StampProgram& program, Language language);

// "Pastry card 3/5 — 2 more for a free one"
std::string progress_text(const StampProgram& program, const ProgramBalance& balance,
                          Language language = Language::kEnglish);

// "Referral bonus: +1 stamp"
std::string referral_text(const StampProgram& program, int stamps, Language language);

}  // namespace loyalpos::loyalty
