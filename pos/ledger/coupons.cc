#include "pos/ledger/coupons.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "loyalty/coupon_code.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/event_payloads.h"
#include "pos/ledger/json_text.h"

namespace loyalpos::pos {

namespace {

Error used_error(const std::string& code, std::int64_t sale_id) {
  return Error::conflict("coupon " + code + " was already used (sale " + std::to_string(sale_id) +
                         ")");
}

Result<std::optional<Coupon>> coupon_row(Database& db, const std::string& code) {
  auto stmt =
      db.cached("SELECT code, promotion_id, issued_at, used_sale FROM coupons WHERE code = ?1");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  s.bind(1, code);
  auto row = s.step();
  if (!row.ok()) {
    s.reset();
    return row.error();
  }
  std::optional<Coupon> out;
  if (*row) {
    out = Coupon{s.column_text(0), s.column_text(1), s.column_int(2),
                 s.column_is_null(3) ? std::nullopt : std::optional<std::int64_t>(s.column_int(3))};
  }
  s.reset();
  return out;
}

Result<std::optional<Coupon>> unused_coupon(Database& db, std::string_view code) {
  // As printed under the QR, in groups of four, or typed with dashes.
  std::string normal;
  for (char c : loyalty::normal_code(code)) {
    if (c != ' ' && c != '-') normal.push_back(c);
  }
  if (!loyalty::is_coupon_code(normal)) return std::optional<Coupon>();
  auto coupon = coupon_row(db, normal);
  if (!coupon.ok()) return coupon.error();
  if (*coupon && (*coupon)->used_sale) return used_error(normal, *(*coupon)->used_sale);
  return coupon;
}

}  // namespace

Result<std::optional<Coupon>> find_coupon(Ledger& ledger, const std::string& code) {
  return coupon_row(ledger.db(), code);
}

Result<std::optional<Coupon>> find_unused_coupon(Ledger& ledger, std::string_view code) {
  return unused_coupon(ledger.db(), code);
}

Result<std::vector<std::string>> issue_coupons(
    Ledger& ledger, const std::string& promotion_id, int count, std::int64_t now,
    const std::function<Result<std::uint64_t>()>& random,
    const std::function<Status(const std::vector<std::string>&)>& publish) {
  Database& db = ledger.db();
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  std::vector<std::string> codes;
  codes.reserve(static_cast<std::size_t>(std::max(count, 0)));
  // 45 random bits: a repeat is rare, and is drawn again rather than issued.
  while (codes.size() < static_cast<std::size_t>(std::max(count, 0))) {
    auto bits = random();
    if (!bits.ok()) return bits.error();
    std::string code = loyalty::encode_coupon_code(*bits);
    if (std::find(codes.begin(), codes.end(), code) != codes.end()) continue;
    auto existing = coupon_row(db, code);
    if (!existing.ok()) return existing.error();
    if (*existing) continue;
    codes.push_back(std::move(code));
  }
  auto insert = db.cached("INSERT INTO coupons(code, promotion_id, issued_at) VALUES (?1, ?2, ?3)");
  if (!insert.ok()) return insert.error();
  for (const auto& code : codes) {
    (*insert)->reset();
    (*insert)->bind(1, code).bind(2, promotion_id).bind(3, now);
    LOYALPOS_TRY((*insert)->run());
  }
  auto seq = append_event(db, ledger.terminal().terminal_id,
                          coupon_issued_event(codes, promotion_id, now));
  if (!seq.ok()) return seq.error();
  LOYALPOS_TRY(publish(codes));
  LOYALPOS_TRY(tx->commit());
  return codes;
}

Status take_coupons(Database& db, const loyalty::Rules& rules, std::vector<std::string>& codes,
                    std::vector<loyalty::CouponUse>& coupons) {
  std::vector<std::string> kept;
  kept.reserve(codes.size());
  for (auto& given : codes) {
    // A promotion's own code, or no coupon's: pricing's to apply or refuse.
    if (loyalty::promotion_for_code(rules, given) != nullptr) {
      kept.push_back(std::move(given));
      continue;
    }
    auto coupon = unused_coupon(db, given);
    if (!coupon.ok()) return coupon.error();
    if (!*coupon) {
      kept.push_back(std::move(given));
      continue;
    }
    const std::string& code = (*coupon)->code;
    if (std::none_of(coupons.begin(), coupons.end(),
                     [&](const loyalty::CouponUse& c) { return c.code == code; })) {
      coupons.push_back({code, (*coupon)->promotion_id});
    }
  }
  codes = std::move(kept);
  return ok_status();
}

Status use_coupons(Database& db, const std::vector<loyalty::CouponUse>& coupons,
                   std::int64_t sale_id) {
  if (coupons.empty()) return ok_status();
  auto stmt = db.cached("UPDATE coupons SET used_sale = ?1 WHERE code = ?2 AND used_sale IS NULL");
  if (!stmt.ok()) return stmt.error();
  for (const auto& coupon : coupons) {
    (*stmt)->reset();
    (*stmt)->bind(1, sale_id).bind(2, coupon.code);
    LOYALPOS_TRY((*stmt)->run());
    const std::int64_t changed = db.changes();
    (*stmt)->reset();
    if (changed != 1) {
      auto found = coupon_row(db, coupon.code);
      if (!found.ok()) return found.error();
      if (*found && (*found)->used_sale) return used_error(coupon.code, *(*found)->used_sale);
      return Error::not_found("unknown code \"" + coupon.code + "\"");
    }
  }
  return ok_status();
}

}  // namespace loyalpos::pos
