// The customer's card page (sync/journeyd/card_page.h) through journeyd's
// Service on a SQLite store: a card stamped in two shops shows its merged
// balance with the progress and names of the rules in force, its visits and
// shops; an unknown, misread or malformed token gets the same "card not
// found"; lookups are limited per address; the page shows no other card.
#include "sync/journeyd/card_page.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "loyalty/card_token.h"
#include "pos/ledger/peer_events.h"
#include "sync/journeyd/service.h"
#include "tests/e2e/test_ledger.h"
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

  net::HttpResponse post(const std::string& target, const std::string& body,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    net::HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.body = body;
    r.headers = std::move(headers);
    r.peer_address = address_;
    return service_->handle(r);
  }

  // The feedback form's token from card A's page, and its cookie.
  std::pair<std::string, std::string> form_token() {
    const net::HttpResponse page = get("/C/" + token_a_);
    std::smatch m;
    EXPECT_TRUE(
        std::regex_search(page.body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{32})\"")));
    const std::string token = m.size() > 1 ? std::string(m[1]) : "";
    return {token, "journeyd_card=" + token};
  }

  std::vector<sync::WireEvent> feedback_events(const std::string& card) {
    auto events = store_->card_events(card, 100);
    EXPECT_TRUE(events.ok());
    std::vector<sync::WireEvent> out;
    for (const auto& e : *events) {
      if (e.type == "card.feedback") out.push_back(e);
    }
    return out;
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

TEST_F(CardPageTest, FeedbackBecomesAJourneyEventOfTheLastVisit) {
  const auto [token, cookie] = form_token();
  ASSERT_FALSE(token.empty());
  // The form has its labels.
  const net::HttpResponse page = get("/C/" + token_a_);
  EXPECT_NE(page.body.find("<legend>How was your visit?</legend>"), std::string::npos);
  EXPECT_NE(page.body.find("<label for=\"comment\">"), std::string::npos);
  EXPECT_NE(page.body.find("<label for=\"stars5\""), std::string::npos);

  const std::string target = "/C/" + token_a_ + "/feedback";
  // Forged, or not reading: nothing is recorded.
  EXPECT_EQ(post(target, "stars=5").status, 403);
  EXPECT_EQ(post(target, "csrf=" + token + "&stars=5",
                 {{"cookie", "journeyd_card=" + std::string(32, '0')}})
                .status,
            403);
  EXPECT_EQ(post(target, "csrf=" + token + "&stars=6", {{"cookie", cookie}}).status, 400);
  EXPECT_EQ(post(target, "csrf=" + token + "&stars=4&comment=" + std::string(501, 'x'),
                 {{"cookie", cookie}})
                .status,
            400);
  EXPECT_EQ(post(target, "csrf=" + token + "&stars=4&comment=%FF%FE", {{"cookie", cookie}}).status,
            400);
  EXPECT_TRUE(feedback_events(a_).empty());

  const net::HttpResponse sent = post(
      target, "csrf=" + token + "&stars=4&comment=%D0%92%D0%BA%D1%83%D1%81%D0%BD%D0%BE+%3Cb%3E",
      {{"cookie", cookie}});
  ASSERT_EQ(sent.status, 303) << sent.body;
  EXPECT_EQ(sent.headers[0].second, "/C/" + token_a_ + "?thanks=1");
  EXPECT_NE(get("/C/" + token_a_ + "?thanks=1").body.find("Thank you"), std::string::npos);
  const auto events = feedback_events(a_);
  ASSERT_EQ(events.size(), 1u);
  const auto payload = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(payload["stars"], 4);
  EXPECT_EQ(payload["comment"], "Вкусно <b>");
  EXPECT_EQ(payload["terminal"], "H1");  // the last visit was at the Harbour
  EXPECT_EQ(payload["shop"], "Harbour");
  EXPECT_EQ(events[0].sale_id, payload["sale"].get<std::int64_t>());
  // Head office's chain is no shop of the card's.
  EXPECT_NE(get("/C/" + token_a_).body.find("<li>Harbour</li><li>Main St</li></ul>"),
            std::string::npos);
}

TEST_F(CardPageTest, ACardWithNoVisitHasNoFeedbackYet) {
  const auto fresh = card_id(0x44);
  // (M1's chain continues where SetUp left it: a second FixtureTill cannot,
  // so the fresh card is issued by a third till.)
  ASSERT_TRUE(store_->add_terminal("Main St", "till-2", "M2", "x").ok());
  FixtureTill till2(*store_, "M2");
  till2.issue(loyalty::card_id_hex(fresh), 3);
  till2.flush();
  const std::string token = loyalty::encode_token(fresh);
  const net::HttpResponse page = get("/C/" + token);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<form"), std::string::npos);
  EXPECT_NE(page.body.find("<dt>Visits</dt><dd>0</dd>"), std::string::npos);
  const auto [form, cookie] = form_token();  // card A's form: a valid token, the wrong card
  EXPECT_EQ(
      post("/C/" + token + "/feedback", "csrf=" + form + "&stars=5", {{"cookie", cookie}}).status,
      409);
}

// Head office's chain is a chain like a terminal's: a till takes its events
// as peer events, each checked against its hash and its neighbour; two
// journeyd on one store append to the one chain.
TEST_F(CardPageTest, HeadOfficesChainIsSharedAndTillsAcceptIt) {
  Service other(*store_, [this] { return now_; });
  for (int i = 0; i < 3; ++i) {
    const auto [token, cookie] = form_token();
    ASSERT_EQ(
        post("/C/" + token_a_ + "/feedback", "csrf=" + token + "&stars=5", {{"cookie", cookie}})
            .status,
        303);
    net::HttpRequest r;
    r.method = "POST";
    r.target = "/C/" + token_a_ + "/feedback";
    r.body = "csrf=" + token + "&stars=3";
    r.headers = {{"cookie", cookie}};
    r.peer_address = "198.51.100.1";
    ASSERT_EQ(other.handle(r).status, 303);
  }
  const auto events = feedback_events(a_);
  ASSERT_EQ(events.size(), 6u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].terminal_id, events[0].terminal_id);
    EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i + 1));
  }
  auto ledger = pos::test_ledger::make_ledger(dir_.file("till.db"));
  ASSERT_TRUE(ledger.ok()) << ledger.error().message();
  // (The fixture's tills have made-up ids a ledger would refuse: head
  // office's events alone, as relayed.)
  auto all = store_->events_after(0, "nobody", 1000, true);
  ASSERT_TRUE(all.ok());
  std::vector<sync::WireEvent> relayed;
  for (const auto& e : *all) {
    if (e.terminal_id == events[0].terminal_id) relayed.push_back(e);
  }
  ASSERT_EQ(relayed.size(), 6u);
  auto stored = pos::store_peer_events(*ledger, relayed, relayed.back().cursor);
  ASSERT_TRUE(stored.ok()) << stored.error().message();
  EXPECT_EQ(stored->stored, 6);
  // A doctored one is not.
  relayed[3].payload = R"({"stars":5})";
  auto other_ledger = pos::test_ledger::make_ledger(dir_.file("till2.db"));
  ASSERT_TRUE(other_ledger.ok());
  EXPECT_FALSE(pos::store_peer_events(*other_ledger, relayed, relayed.back().cursor).ok());
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
