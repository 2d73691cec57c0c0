#include "pos/ledger/card_balance.h"

#include "pos/ledger/event_payloads.h"

namespace loyalpos::pos {

Status write_balance(Database& db, const std::string& card_id,
                     const loyalty::ProgramBalance& balance) {
  auto stmt = db.cached(
      "INSERT INTO card_programs(card_id, program_id, stamps, rewards, last_stamp_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(card_id, program_id) DO UPDATE SET"
      " stamps = excluded.stamps, rewards = excluded.rewards,"
      " last_stamp_at = excluded.last_stamp_at");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, card_id).bind(2, balance.program_id).bind(3, balance.stamps);
  (*stmt)->bind(4, balance.rewards).bind(5, balance.last_stamp_at);
  return (*stmt)->run();
}

Status append_stamps_event(EventWriter& events, const std::string& card_id, std::int64_t sale_id,
                           const std::string& program_id, std::int64_t stamps, std::int64_t rewards,
                           const char* why, std::int64_t now) {
  auto seq =
      events.append(card_stamps_event(card_id, sale_id, program_id, stamps, rewards, why, now));
  if (!seq.ok()) return seq.error();
  return ok_status();
}

Status change_balance(Ledger& ledger, EventWriter& events, const std::string& card_id,
                      const std::string& program_id, std::int64_t stamps, std::int64_t rewards,
                      std::int64_t sale_id, const char* why, std::int64_t now) {
  auto balances = ledger.balances(card_id);
  if (!balances.ok()) return balances.error();
  loyalty::ProgramBalance balance{program_id, 0, 0, 0};
  for (const auto& b : *balances) {
    if (b.program_id == program_id) balance = b;
  }
  balance.stamps += stamps;
  balance.rewards += rewards;
  LOYALPOS_TRY(write_balance(ledger.db(), card_id, balance));
  return append_stamps_event(events, card_id, sale_id, program_id, stamps, rewards, why, now);
}

}  // namespace loyalpos::pos
