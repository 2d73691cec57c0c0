// A card's balance per program is the sum of its card.stamps events; the
// card_programs row is a cache written with each event. These write both
// together, inside the caller's transaction (sales, refunds, bonuses).
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>

#include "loyalty/stamp_card.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

Status write_balance(Database& db, const std::string& card_id,
                     const loyalty::ProgramBalance& balance);

// Records a change of one program's balance as a journey event (`why`:
// "sale", "refund", "referral", "lapsed").
Status append_stamps_event(EventWriter& events, const std::string& card_id, std::int64_t sale_id,
                           const std::string& program_id, std::int64_t stamps, std::int64_t rewards,
                           const char* why, std::int64_t now);

// Adds (stamps, rewards) to one program of one card: the balance row and its
// card.stamps event, together.
Status change_balance(Ledger& ledger, EventWriter& events, const std::string& card_id,
                      const std::string& program_id, std::int64_t stamps, std::int64_t rewards,
                      std::int64_t sale_id, const char* why, std::int64_t now);

}  // namespace loyalpos::pos
