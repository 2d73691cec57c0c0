// The owner's dashboard (sync/journeyd/owner_pages.h) through journeyd's
// Service on a SQLite store, with the clock fixed: the sign-in form and its
// CSRF cookie, wrong passwords and their throttle, the session cookie, the
// journey map page in English and Russian, sign-out, expiry; and the
// password hashing itself. The store's owner tables are checked on both
// backends in tests/sync/store_test.cc.
#include <gtest/gtest.h>

#include <regex>

#include "base/journal_hash.h"
#include "sync/journeyd/named_reports.h"
#include "sync/journeyd/owner_accounts.h"
#include "sync/journeyd/service.h"
#include "sync/store/store.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::journeyd {
namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr const char* kPassword = "correct horse battery";

std::vector<std::string> set_cookies(const HttpResponse& r) {
  std::vector<std::string> out;
  for (const auto& [name, value] : r.headers) {
    if (name == "Set-Cookie") out.push_back(value);
  }
  return out;
}

// The value a response sets for cookie `name` ("" when it clears it).
std::optional<std::string> cookie_set(const HttpResponse& r, const std::string& name) {
  for (const auto& c : set_cookies(r)) {
    if (c.rfind(name + "=", 0) == 0)
      return c.substr(name.size() + 1, c.find(';') - name.size() - 1);
  }
  return std::nullopt;
}

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

class OwnerPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = sync::make_store("sqlite:" + dir_.file("journey.db"));
    ASSERT_TRUE(store.ok()) << store.error().message();
    store_ = std::move(*store);
    ASSERT_TRUE(add_owner(*store_, "anna", kPassword, now_).ok());
    service_ = std::make_unique<Service>(*store_, [this] { return now_; });
  }

  HttpResponse send(const std::string& method, const std::string& target,
                    const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers = std::move(headers);
    r.peer_address = address_;
    return service_->handle(r);
  }

  // The login form's token and its cookie, as a browser would get them.
  std::string login_token() {
    const HttpResponse form = send("GET", "/owner/login");
    EXPECT_EQ(form.status, 200);
    auto token = cookie_set(form, "journeyd_login");
    EXPECT_TRUE(token.has_value());
    EXPECT_NE(form.body.find("value=\"" + token.value_or("?") + "\""), std::string::npos);
    return token.value_or("");
  }

  HttpResponse sign_in(const std::string& name, const std::string& password) {
    const std::string token = login_token();
    return send("POST", "/owner/login", "csrf=" + token + "&name=" + name + "&password=" + password,
                {{"cookie", "journeyd_login=" + token}});
  }

  // Signed in as anna: the session cookie's value.
  std::string session() {
    const HttpResponse r = sign_in("anna", "correct+horse+battery");
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(header(r, "Location"), "/owner/");
    return cookie_set(r, "journeyd_session").value_or("");
  }

  testing::TempDir dir_{"journeyd-owner"};
  std::unique_ptr<sync::Store> store_;
  std::unique_ptr<Service> service_;
  std::int64_t now_ = 1'790'000'000;
  std::string address_ = "127.0.0.1";
};

TEST(OwnerPasswords, ScryptHashesAreSaltedAndCheckOnlyTheRightPassword) {
  const std::string a = hash_password("s3cret-password");
  const std::string b = hash_password("s3cret-password");
  EXPECT_NE(a, b);
  EXPECT_TRUE(std::regex_match(a, std::regex(R"(scrypt\$15\$8\$1\$[0-9a-f]{32}\$[0-9a-f]{64})")));
  EXPECT_TRUE(password_matches("s3cret-password", a));
  EXPECT_FALSE(password_matches("s3cret-passwore", a));
  EXPECT_FALSE(password_matches("s3cret-password", "scrypt$99$8$1$00$00"));
  EXPECT_FALSE(password_matches("", "not a hash"));
}

TEST_F(OwnerPagesTest, EveryPageButTheFormNeedsASession) {
  for (const char* target : {"/owner", "/owner/", "/owner/?shop=x", "/owner/anything"}) {
    const HttpResponse r = send("GET", target);
    EXPECT_EQ(r.status, 303) << target;
    EXPECT_EQ(header(r, "Location"), "/owner/login");
    EXPECT_EQ(r.body.find("journey"), std::string::npos);
  }
  EXPECT_EQ(send("POST", "/owner/logout", "csrf=x").status, 403);
  // A made-up or malformed session is no session.
  EXPECT_EQ(
      send("GET", "/owner/", "", {{"cookie", "journeyd_session=" + std::string(64, 'a')}}).status,
      303);
  EXPECT_EQ(send("GET", "/owner/", "", {{"cookie", "journeyd_session=x"}}).status, 303);
}

TEST_F(OwnerPagesTest, TheFormHasLabelsAndItsCookieIsStrict) {
  const HttpResponse r = send("GET", "/owner/login");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<label for=\"name\">Name</label><input id=\"name\""), std::string::npos);
  EXPECT_NE(r.body.find("<label for=\"password\">Password</label>"), std::string::npos);
  const auto cookies = set_cookies(r);
  ASSERT_EQ(cookies.size(), 1u);
  EXPECT_NE(cookies[0].find("; Secure; HttpOnly; SameSite=Strict"), std::string::npos);
  EXPECT_NE(header(r, "Content-Security-Policy").find("default-src 'none'"), std::string::npos);
  // Nothing on the page asks anywhere else for anything.
  EXPECT_EQ(r.body.find("http"), r.body.find("http://www.w3.org/2000/svg"));
}

TEST_F(OwnerPagesTest, SignInNeedsTheFormsOwnTokenAndTheRightPassword) {
  const std::string token = login_token();
  // Without the cookie, or with another token: refused before the password.
  for (const auto& cookie :
       {std::string(), std::string("journeyd_login=") + std::string(32, '0')}) {
    const HttpResponse r =
        send("POST", "/owner/login", "csrf=" + token + "&name=anna&password=correct+horse+battery",
             cookie.empty() ? std::vector<std::pair<std::string, std::string>>{}
                            : std::vector<std::pair<std::string, std::string>>{{"cookie", cookie}});
    EXPECT_EQ(r.status, 403);
    EXPECT_FALSE(cookie_set(r, "journeyd_session"));
  }
  const HttpResponse wrong = sign_in("anna", "wrong+password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("Wrong name or password."), std::string::npos);
  EXPECT_FALSE(cookie_set(wrong, "journeyd_session"));
  const HttpResponse nobody = sign_in("boris", "correct+horse+battery");
  EXPECT_EQ(nobody.status, 401);
  EXPECT_NE(nobody.body.find("Wrong name or password."), std::string::npos);

  const HttpResponse right = sign_in("anna", "correct+horse+battery");
  ASSERT_EQ(right.status, 303) << right.body;
  const auto secret = cookie_set(right, "journeyd_session");
  ASSERT_TRUE(secret && secret->size() == 64);
  bool strict = false;
  for (const auto& c : set_cookies(right)) {
    if (c.rfind("journeyd_session=", 0) == 0) {
      strict = c.find("; Secure; HttpOnly; SameSite=Strict") != std::string::npos;
    }
  }
  EXPECT_TRUE(strict);
  // The store has the secret's hash, never the secret.
  EXPECT_TRUE(store_->find_session(to_hex(sha256_of(*secret)), now_).ok());
  EXPECT_FALSE(store_->find_session(*secret, now_).ok());
}

TEST_F(OwnerPagesTest, RepeatedWrongPasswordsAreSlowedPerAddressAndPerName) {
  for (int i = 0; i < kMaxFailures; ++i) EXPECT_EQ(sign_in("anna", "nope+nope+nope").status, 401);
  // Even the right password waits now, from this address…
  HttpResponse r = sign_in("anna", "correct+horse+battery");
  EXPECT_EQ(r.status, 429);
  EXPECT_NE(r.body.find("Too many wrong passwords"), std::string::npos);
  // …and for this name from another.
  address_ = "10.0.0.9";
  EXPECT_EQ(sign_in("anna", "correct+horse+battery").status, 429);
  now_ += kFailureWindow;
  EXPECT_EQ(sign_in("anna", "correct+horse+battery").status, 303);
}

TEST_F(OwnerPagesTest, TheJourneyMapPageInEnglishAndRussian) {
  ASSERT_TRUE(store_->add_terminal("<b>Main St</b>", "till-1", "T1", "x").ok());
  const std::string cookie = "journeyd_session=" + session();
  HttpResponse r = send("GET", "/owner/", "", {{"cookie", cookie}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("Customer journey map"), std::string::npos);
  EXPECT_NE(r.body.find("<svg"), std::string::npos);
  for (const char* stage : {"Awareness", "Interest", "Purchase", "Retention", "Loyalty"}) {
    EXPECT_NE(r.body.find(stage), std::string::npos) << stage;
  }
  // A shop's name is text, never markup.
  EXPECT_NE(r.body.find("&lt;b&gt;Main St&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(r.body.find("<b>Main St"), std::string::npos);
  // The range form has labels.
  EXPECT_NE(r.body.find("<label for=\"from\">"), std::string::npos);

  r = send("GET", "/owner/", "",
           {{"cookie", cookie}, {"accept-language", "ru-RU,ru;q=0.9,en;q=0.5"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Карта пути клиента"), std::string::npos);
  EXPECT_NE(r.body.find("Покупка"), std::string::npos);
  EXPECT_NE(r.body.find("<html lang=\"ru\">"), std::string::npos);
  // ?lang=en switches, and is remembered.
  r = send("GET", "/owner/?lang=en", "", {{"cookie", cookie}, {"accept-language", "ru"}});
  EXPECT_NE(r.body.find("Customer journey map"), std::string::npos);
  EXPECT_EQ(cookie_set(r, "journeyd_lang"), "en");

  // Bad input is named on the page.
  r = send("GET", "/owner/?from=2026-13-01", "", {{"cookie", cookie}});
  EXPECT_EQ(r.status, 400);
  r = send("GET", "/owner/?shop=Nowhere", "", {{"cookie", cookie}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("no shop named"), std::string::npos);
}

// Every report has a page and a JSON API, the same numbers as the command
// line's --json; the API answers 401 without a session, never a page.
TEST_F(OwnerPagesTest, EveryReportHasAPageAndTheSameNumbersAsJson) {
  ASSERT_TRUE(store_->add_terminal("Main St", "till-1", "T1", "x").ok());
  const std::string cookie = "journeyd_session=" + session();
  const std::string scope = "?shop=&from=2026-09-01&to=2026-09-30";
  for (const auto name : kReportNames) {
    SCOPED_TRACE(std::string(name));
    const HttpResponse page = send("GET",
                                   std::string(name == "journey" ? "/owner/" : "/owner/reports/") +
                                       std::string(name == "journey" ? "" : name) + scope,
                                   "", {{"cookie", cookie}});
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_NE(page.body.find("<nav aria-label=\"reports\">"), std::string::npos);
    const HttpResponse api =
        send("GET", "/owner/api/reports/" + std::string(name) + scope, "", {{"cookie", cookie}});
    ASSERT_EQ(api.status, 200) << api.body;
    EXPECT_EQ(api.content_type, "application/json");
    reports::ReportRange range;
    range.from = 1788220800;                        // 2026-09-01
    range.until = 1788220800 + 30 * 86400;          // through 2026-09-30
    range.as_of = std::min(range.until, now_ + 1);  // this second counts (report_scope.cc)
    range.lapsed_after_days = loyalty::JourneySettings{}.lapsed_after_days;
    auto direct =
        run_report(name, *store_, {range, std::nullopt, TimeZone::utc()}, ReportFormat::kJson);
    ASSERT_TRUE(direct.ok()) << direct.error().message();
    EXPECT_EQ(api.body, *direct);
    const HttpResponse csv =
        send("GET", "/owner/api/reports/" + std::string(name) + scope + "&format=csv", "",
             {{"cookie", cookie}});
    EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  }
  const HttpResponse anonymous = send("GET", "/owner/api/reports/cohorts");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.body.rfind("{\"error\":{\"code\":\"unauthorized\"", 0), 0u);
  EXPECT_EQ(send("GET", "/owner/api/reports/nope", "", {{"cookie", cookie}}).status, 404);
  EXPECT_EQ(send("GET", "/owner/reports/nope", "", {{"cookie", cookie}}).status, 404);
  EXPECT_EQ(send("GET", "/owner/api/reports/promotions?tz=Mars%2FOlympus", "", {{"cookie", cookie}})
                .status,
            400);
  EXPECT_EQ(
      send("GET", "/owner/api/reports/cohorts?from=2026-02-30", "", {{"cookie", cookie}}).status,
      400);
}

TEST_F(OwnerPagesTest, SignOutNeedsTheSessionsTokenAndSessionsExpire) {
  const std::string secret = session();
  const std::string cookie = "journeyd_session=" + secret;
  HttpResponse page = send("GET", "/owner/", "", {{"cookie", cookie}});
  ASSERT_EQ(page.status, 200);
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(page.body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{32})\"")));
  const std::string csrf = m[1];
  // A forged form (no token, or another) changes nothing.
  EXPECT_EQ(send("POST", "/owner/logout", "", {{"cookie", cookie}}).status, 403);
  EXPECT_EQ(
      send("POST", "/owner/logout", "csrf=" + std::string(32, 'f'), {{"cookie", cookie}}).status,
      403);
  EXPECT_EQ(send("GET", "/owner/", "", {{"cookie", cookie}}).status, 200);
  const HttpResponse out = send("POST", "/owner/logout", "csrf=" + csrf, {{"cookie", cookie}});
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(cookie_set(out, "journeyd_session"), "");
  EXPECT_EQ(send("GET", "/owner/", "", {{"cookie", cookie}}).status, 303);

  const std::string again = "journeyd_session=" + session();
  now_ += kSessionLifetime - 1;
  EXPECT_EQ(send("GET", "/owner/", "", {{"cookie", again}}).status, 200);
  now_ += 1;
  EXPECT_EQ(send("GET", "/owner/", "", {{"cookie", again}}).status, 303);
}

TEST_F(OwnerPagesTest, AnOwnerNeedsANameAndALongEnoughPassword) {
  EXPECT_EQ(add_owner(*store_, "boris", "short", now_).error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(add_owner(*store_, "bo ris", kPassword, now_).error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(add_owner(*store_, "anna", kPassword, now_).error().code(), ErrorCode::kConflict);
}

}  // namespace
}  // namespace loyalpos::journeyd
