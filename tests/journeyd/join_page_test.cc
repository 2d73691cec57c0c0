// The join page (sync/journeyd/join_page.h) through journeyd's Service on a
// SQLite store: a poster's link issues a digital card shown as a QR,
// records the source in head office's chain, keeps an
// e-mail only with consent (apart from the events); bad links, forged forms and floods change
// nothing; the new card's page opens at once.
#include "sync/journeyd/join_page.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "loyalty/card_token.h"
#include "sync/journeyd/service.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::journeyd {
namespace {

class JoinPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = sync::make_store("sqlite:" + dir_.file("journey.db"));
    ASSERT_TRUE(store.ok()) << store.error().message();
    store_ = std::move(*store);
    service_ = std::make_unique<Service>(
        *store_, [this] { return now_; }, "https://hq.example:8443");
  }

  net::HttpResponse send(const std::string& method, const std::string& target,
                         const std::string& body = "",
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    net::HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers = std::move(headers);
    r.peer_address = address_;
    return service_->handle(r);
  }

  // GET /join?src=…, then POST its form with `fields`.
  net::HttpResponse join(const std::string& src, const std::string& fields) {
    const net::HttpResponse form = send("GET", "/join?src=" + src);
    EXPECT_EQ(form.status, 200) << form.body;
    std::smatch m;
    EXPECT_TRUE(
        std::regex_search(form.body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{32})\"")));
    const std::string token = m.size() > 1 ? std::string(m[1]) : "";
    return send("POST", "/join", "csrf=" + token + "&src=" + src + fields,
                {{"cookie", "journeyd_join=" + token}});
  }

  std::vector<sync::WireEvent> all_events() {
    auto events = store_->events_after(0, "nobody", 1000, false);
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<sync::WireEvent>{};
  }

  testing::TempDir dir_{"journeyd-join"};
  std::unique_ptr<sync::Store> store_;
  std::unique_ptr<Service> service_;
  std::int64_t now_ = 1'790'000'000;
  std::string address_ = "203.0.113.5";
};

TEST_F(JoinPageTest, APostersLinkIssuesACardWithItsSource) {
  const net::HttpResponse form = send("GET", "/join?src=poster-window");
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("<label for=\"email\">"), std::string::npos);
  EXPECT_NE(form.body.find("<label for=\"consent\""), std::string::npos);
  EXPECT_EQ(form.body.find("checked"), std::string::npos);  // consent is never pre-ticked

  const net::HttpResponse r = join("poster-window", "&email=");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string location;
  for (const auto& [n, v] : r.headers) {
    if (n == "Location") location = v;
  }
  ASSERT_EQ(location.rfind("/C/", 0), 0u);
  const std::string token = location.substr(3);
  auto id = loyalty::parse_token(token);
  ASSERT_TRUE(id.ok()) << token;
  EXPECT_NE(r.body.find("<svg"), std::string::npos);
  EXPECT_NE(r.body.find(loyalty::group_token(token)), std::string::npos);

  const auto events = all_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "card.issued");
  EXPECT_EQ(events[0].card_id, loyalty::card_id_hex(*id));
  EXPECT_EQ(events[0].payload,
            "{\"card\":\"" + loyalty::card_id_hex(*id) + "\",\"source\":\"poster-window\"}");
  auto contacts = store_->contacts();
  ASSERT_TRUE(contacts.ok());
  EXPECT_TRUE(contacts->empty());
  // The card's page opens at once.
  const net::HttpResponse card = send("GET", location);
  EXPECT_EQ(card.status, 200);
  EXPECT_NE(card.body.find("<dt>Visits</dt><dd>0</dd>"), std::string::npos);
}

TEST_F(JoinPageTest, AnEmailIsKeptOnlyWithConsent) {
  EXPECT_EQ(join("flyer", "&email=anna%40example.com").status, 400);
  EXPECT_EQ(join("flyer", "&email=not-an-email&consent=yes").status, 400);
  EXPECT_TRUE(all_events().empty());
  const net::HttpResponse r = join("flyer", "&email=anna%40example.com&consent=yes");
  ASSERT_EQ(r.status, 201) << r.body;
  auto contacts = store_->contacts();
  ASSERT_TRUE(contacts.ok());
  ASSERT_EQ(contacts->size(), 1u);
  EXPECT_EQ((*contacts)[0].email, "anna@example.com");
  EXPECT_EQ((*contacts)[0].consented_at, now_);
  EXPECT_EQ((*contacts)[0].source, "flyer");
  EXPECT_EQ((*contacts)[0].card_id, all_events()[0].card_id);
  // The e-mail is in no journey event.
  for (const auto& e : all_events()) EXPECT_EQ(e.payload.find("anna"), std::string::npos);
}

TEST_F(JoinPageTest, BadLinksForgedFormsAndFloodsChangeNothing) {
  for (const char* target : {"/join", "/join?src=", "/join?src=%3Cscript%3E", "/join?src=a%20b"}) {
    EXPECT_EQ(send("GET", target).status, 400) << target;
  }
  EXPECT_EQ(send("GET", "/join?src=" + std::string(65, 'x')).status, 400);
  EXPECT_EQ(send("POST", "/join", "src=flyer").status, 403);
  EXPECT_EQ(send("POST", "/join", "csrf=" + std::string(32, 'a') + "&src=flyer",
                 {{"cookie", "journeyd_join=" + std::string(32, 'b')}})
                .status,
            403);
  EXPECT_TRUE(all_events().empty());
  for (int i = 0; i < kJoinsPerHour; ++i) ASSERT_EQ(join("flyer", "").status, 201) << i;
  EXPECT_EQ(join("flyer", "").status, 429);
  EXPECT_EQ(all_events().size(), static_cast<std::size_t>(kJoinsPerHour));
  now_ += 3600;
  EXPECT_EQ(join("flyer", "").status, 201);
}

}  // namespace
}  // namespace loyalpos::journeyd
