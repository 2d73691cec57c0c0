// Exact shares of a whole handed out in parts (partial refunds): the part of
// `total` that goes with units [from, to) of `units` is f(to) - f(from), where
// f(k) = total * k / units rounded toward zero. Parts taken in any order and
// any sizes never overlap and add up to `total` exactly once all units are
// taken; no part is ever more than the whole.
#pragma once

#include <cstdint>

namespace loyalpos::loyalty {

// 0 <= from <= to <= units, units > 0, units * units within int64.
std::int64_t pro_rata_share(std::int64_t total, std::int64_t from, std::int64_t to,
                            std::int64_t units);

}  // namespace loyalpos::loyalty
