// Journey event payloads are hashed into the chain, so their bytes must be
// exactly what they always were: nlohmann's compact dump of the same object
// (keys in ascending order). Every payload, with any text in it, reads back
// and dumps to the very same bytes.
#include "pos/ledger/event_payloads.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>

#include "pos/ledger/json_text.h"

namespace loyalpos::pos {
namespace {

// Parses (broken UTF-8 comes out as U+FFFD already) and writes it again.
std::string canonical(const std::string& payload) {
  return dump_json(nlohmann::json::parse(payload));
}

void expect_canonical(const NewEvent& event) {
  RC_ASSERT(canonical(event.payload) == event.payload);
}

RC_GTEST_PROP(EventPayloads, EveryPayloadIsNlohmannsCanonicalDump,
              (const std::string& a, const std::string& b, std::int64_t n, bool flag)) {
  expect_canonical(terminal_initialized_event(n, a, b, "RUB"));
  expect_canonical(card_issued_event(a, n, std::nullopt));
  expect_canonical(card_issued_event(a, n, b));
  expect_canonical(card_stamps_event(a, n, b, n / 3, -n / 7, "sale", n));
  expect_canonical(card_stage_event(a, n, "new", "returning", n));
  expect_canonical(card_phone_event(a, n, b, "0011aabb"));
  expect_canonical(coupon_issued_event({a, b}, b, n));
  expect_canonical(sale_refunded_event(n, a, n, flag, {{1, n}, {3, 2}}, b, n));

  loyalty::PricedBasket priced;
  loyalty::Product product{a, b, a + b, n, ""};
  priced.lines.push_back(loyalty::PricedLine{product, 2, 2 * (n / 4), n / 8, {}});
  priced.lines.back().discounts.push_back(loyalty::LineDiscount{n / 8, 0, b, a});
  priced.codes = {{a, b}};
  priced.messages = {a, b};
  priced.promotions_applied = {b};
  SaleCompleted sale{
      n, n, flag ? std::optional<std::string>(a) : std::nullopt, b, "RUB", a, b, &priced, n, -n};
  expect_canonical(sale_completed_event(sale));
}

// The bytes of a stamp change as every ledger so far holds them.
TEST(EventPayloads, ACardStampsPayloadKeepsItsBytes) {
  EXPECT_EQ(card_stamps_event("c1", 7, "pastry", 2, -1, "sale", 100).payload,
            R"({"card":"c1","program":"pastry","rewards":-1,"sale":7,"stamps":2,"why":"sale"})");
  EXPECT_EQ(card_issued_event("c1", 5, std::string("c0")).payload,
            R"({"card":"c1","referrer":"c0"})");
}

TEST(EventPayloads, AKeyOutOfOrderIsABugCaughtBeforeWriting) {
  JsonObject object;
  object.text("b", "x");
  EXPECT_THROW(object.text("a", "y"), std::logic_error);
  EXPECT_THROW(object.number("b", 1), std::logic_error);
}

}  // namespace
}  // namespace loyalpos::pos
