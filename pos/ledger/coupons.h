// One-shot coupons: codes printed on a sheet (`loyalpos coupon sheet`), each
// unlocking its promotion (one marked `coupons = true`) in one sale. A
// coupon's row is made by its batch's coupon.issued event and marked used
// by the sale whose sale.completed event lists its code; a refund leaves it
// used (docs/ledger.md).
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/pricing.h"
#include "loyalty/rules.h"
#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

struct Coupon {
  std::string code;
  std::string promotion_id;
  std::int64_t issued_at = 0;
  std::optional<std::int64_t> used_sale;
};

// Issues `count` new unique codes of `promotion_id` in one transaction, with
// one coupon.issued event; `publish` (writing the sheet they are printed on)
// runs before the commit, and its error issues none. `random` gives 45 or
// more random bits a call (pos/random.h in the product).
Result<std::vector<std::string>> issue_coupons(
    Ledger& ledger, const std::string& promotion_id, int count, std::int64_t now,
    const std::function<Result<std::uint64_t>()>& random,
    const std::function<Status(const std::vector<std::string>&)>& publish);

Result<std::optional<Coupon>> find_coupon(Ledger& ledger, const std::string& code);
// The coupon `code` (any case, spaces and dashes ignored) names, or null when it names none; a used
// one is an error naming its sale: "coupon X was already used (sale 12)".
Result<std::optional<Coupon>> find_unused_coupon(Ledger& ledger, std::string_view code);

// Moves the coupons among `codes` (a code that is no promotion's own and is
// a coupon in the ledger) to `coupons`, once each. A used coupon is an error
// naming its sale; an unknown code stays among `codes` for pricing to refuse.
Status take_coupons(Database& db, const loyalty::Rules& rules, std::vector<std::string>& codes,
                    std::vector<loyalty::CouponUse>& coupons);

// Marks the coupons used by `sale_id`, inside the sale's write transaction
// and after its row: a coupon another process used first is an error.
Status use_coupons(Database& db, const std::vector<loyalty::CouponUse>& coupons,
                   std::int64_t sale_id);

}  // namespace loyalpos::pos
