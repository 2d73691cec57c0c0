// The customer's card page (sync/journeyd/card_page.h) through journeyd's
// Service on a SQLite store: a card stamped in two shops shows its merged
// balance with the progress and names of the rules in force, its visits and
// shops; an unknown, misread or malformed token gets the same "card not
// found"; lookups are limited per address; the page shows no other card.
#include "sync/journeyd/card_page.h"

#include <gtest/gtest.h>

#include "loyalty/card_token.h"
#include "sync/journeyd/service.h"
#include "tests/reports/journey_fixture.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::journeyd {
namespace {

using reports::testing::FixtureTill;

loyalty::CardId card_id(std::uint8_t n) {
  loyalty::CardId id;
  id.bytes.fill(n);
  return id;
}

class CardPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = sync::make_store("sqlite:" + dir_.file("journey.db"));
    ASSERT_TRUE(store.ok()) << store.error().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->add_terminal("Main St", "till-1", "M1", "x").ok());
    ASSERT_TRUE(store_->add_terminal("Harbour", "till-1", "H1", "x").ok());
    service_ = std::make_unique<Service>(*store_, [this] { return now_; });
    // Card A: issued at Main St, two pastry stamps there, one at the
    // Harbour; card B: one stamp at Main St.
    FixtureTill main(*store_, "M1"), harbour(*store_, "H1");
    main.issue(a_, 0);
    main.sale(a_, 1, {}, {"pastry"}, "interest", "purchase");
    main.sale(a_, 2, {}, {"pastry"}, "purchase", "purchase");
    main.sale(b_, 2, {}, {"pastry"}, "interest", "purchase");
    main.flush();
    harbour.sale(a_, 5, {}, {"pastry"}, "purchase", "retention");
    harbour.flush();
  }

  net::HttpResponse get(const std::string& target,
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
    net::HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers = std::move(headers);
    r.peer_address = address_;
    return service_->handle(r);
  }

  testing::TempDir dir_{"journeyd-card"};
  std::unique_ptr<sync::Store> store_;
  std::unique_ptr<Service> service_;
  std::int64_t now_ = reports::testing::day(10);
  std::string address_ = "192.0.2.7";
  const std::string a_ = loyalty::card_id_hex(card_id(0xA1));
  const std::string b_ = loyalty::card_id_hex(card_id(0xB2));
  const std::string token_a_ = loyalty::encode_token(card_id(0xA1));
};

TEST_F(CardPageTest, ShowsTheMergedStampsVisitsAndShops) {
  const net::HttpResponse r = get("/C/" + token_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  // 3 stamps of the shipped café's "every 5th pastry free", from both shops.
  EXPECT_NE(r.body.find("Pastry card 3/5"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<progress max=\"5\" value=\"3\">"), std::string::npos);
  EXPECT_NE(r.body.find("<dt>Visits</dt><dd>3</dd>"), std::string::npos);
  EXPECT_NE(r.body.find("<li>Harbour</li><li>Main St</li>"), std::string::npos);
  EXPECT_NE(r.body.find("2026-01-06"), std::string::npos);  // the last visit, day 5
  EXPECT_NE(r.body.find(loyalty::group_token(token_a_)), std::string::npos);
  // Nothing of card B.
  EXPECT_EQ(r.body.find(loyalty::group_token(loyalty::encode_token(card_id(0xB2)))),
            std::string::npos);
  // A link in lower case (a phone's keyboard) is the same card; Russian asked for.
  std::string lower = token_a_;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const net::HttpResponse ru = get("/C/" + lower, {{"accept-language", "ru"}});
  ASSERT_EQ(ru.status, 200);
  EXPECT_NE(ru.body.find("Визиты"), std::string::npos);
}

TEST_F(CardPageTest, UnknownMisreadOrMalformedTokensAllGetTheSameNotFound) {
  std::string misread = token_a_;
  misread[5] = misread[5] == 'A' ? 'B' : 'A';
  const std::string unknown = loyalty::encode_token(card_id(0x33));
  std::optional<std::string> first;
  const std::vector<std::string> targets = {
      "/C/" + unknown,   "/C/" + misread,         "/C/",
      "/C/%3Cscript%3E", "/C/" + token_a_ + "/x", "/C/" + std::string(5000, 'Z')};
  for (const std::string& target : targets) {
    const net::HttpResponse r = get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_NE(r.body.find("Card not found."), std::string::npos);
    if (!first) first = r.body;
    EXPECT_EQ(r.body, *first) << "the answer must not say why: " << target;
  }
}

TEST_F(CardPageTest, LookupsAreLimitedPerAddress) {
  for (int i = 0; i < kCardLookups; ++i) ASSERT_EQ(get("/C/" + token_a_).status, 200) << i;
  net::HttpResponse r = get("/C/" + token_a_);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body.find("Pastry"), std::string::npos);
  address_ = "192.0.2.8";
  EXPECT_EQ(get("/C/" + token_a_).status, 200);
  address_ = "192.0.2.7";
  now_ += kCardLookupWindow;
  EXPECT_EQ(get("/C/" + token_a_).status, 200);
}

TEST(CardSummary, ARefundedWholeSaleIsNoVisitAndRewardsAreCounted) {
  auto event = [](std::string terminal, std::string type, std::int64_t sale, std::string payload) {
    sync::WireEvent e;
    e.terminal_id = std::move(terminal);
    e.type = std::move(type);
    e.at = 100 + sale;
    e.sale_id = sale;
    e.payload = std::move(payload);
    return e;
  };
  const std::vector<sync::WireEvent> events = {
      event("T1", "sale.completed", 1, "{}"),
      event("T1", "card.stamps", 1, R"({"program":"pastry","rewards":1,"stamps":-4})"),
      event("T1", "sale.completed", 2, "{}"),
      event("T2", "sale.completed", 2, "{}"),  // another till's sale 2: another visit
      event("T1", "sale.refunded", 2, R"({"complete":true})"),
      event("T2", "sale.refunded", 2, R"({"complete":false})"),
      event("T1", "card.stamps", 2, R"({"program":"points","stamps":30})"),
      event("T1", "card.stamps", 2, "not json"),
  };
  const CardSummary s = summarize_card(events, [](const std::string& t) { return "shop " + t; });
  EXPECT_EQ(s.visits, 2);
  ASSERT_EQ(s.programs.size(), 2u);
  EXPECT_EQ(s.programs[0].id, "pastry");
  EXPECT_EQ(s.programs[0].stamps, -4);
  EXPECT_EQ(s.programs[0].rewards, 1);
  EXPECT_EQ(s.programs[1].stamps, 30);
  EXPECT_EQ(s.last_visit, 102);
  EXPECT_EQ(s.shops, (std::vector<std::string>{"shop T1", "shop T2"}));
}

}  // namespace
}  // namespace loyalpos::journeyd
