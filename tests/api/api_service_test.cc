// The API of `loyalpos serve` (pos/api/api_service.h) through the real
// HttpServer on 127.0.0.1, served by a thread of the test, against a fresh
// ledger with the sample café. Rows are counted through a second connection
// to the ledger: what a request changed is what another process would see.
#include "pos/api/api_service.h"

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "pos/ledger/audit.h"
#include "pos/ledger/json_output.h"
#include "tests/pos/pos_fixture.h"

namespace loyalpos::api {

using net::HttpClient;
using net::HttpServer;
using net::ServerOptions;
namespace {

using nlohmann::json;
using pos::testing::LedgerTest;

constexpr const char* kToken = "test-token-0123456789abcdef";

std::string header_of(const HttpResponse& r, std::string_view lower_name) {
  for (const auto& [name, value] : r.headers) {
    if (name == lower_name) return value;
  }
  return "<none>";
}

class ApiTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    auto observer = pos::Ledger::open(path(), 5000);
    ASSERT_TRUE(observer.ok()) << observer.error().message();
    observer_.emplace(std::move(*observer));
    ApiOptions options;
    options.scan = {config_.card_base_url, "", ""};
    options.max_quotes = 3;
    options.steady_now = [this] {
      return SteadyTime(std::chrono::seconds(1000 + steady_seconds_.load()));
    };
    service_ = std::make_unique<ApiService>(*ledger_, config_.rules, clock_, std::move(options));
    ServerOptions server_options;
    server_options.bearer_token = kToken;
    server_ = std::make_unique<HttpServer>(server_options, service_->handler());
    auto port = server_->listen();
    ASSERT_TRUE(port.ok()) << port.error().message();
    port_ = *port;
    serving_ = std::thread([this] { server_->run(); });
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (serving_.joinable()) serving_.join();
  }

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = {}, HttpClient::Headers headers = {}) {
    headers.emplace_back("Authorization", std::string("Bearer ") + kToken);
    auto r = client_->request(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? *r : HttpResponse{0, "", "", {}};
  }

  static json body_of(const HttpResponse& r) {
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    return j;
  }

  std::int64_t rows(const std::string& table) {
    auto stmt = observer_->db().prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(stmt->step().ok());
    return stmt->column_int(0);
  }

  std::string new_card_token() {
    const auto r = call("POST", "/v1/cards");
    EXPECT_EQ(r.status, 201) << r.body;
    return body_of(r).value("token", "");
  }

  std::optional<pos::Ledger> observer_;
  std::atomic<int> steady_seconds_{0};
  std::unique_ptr<ApiService> service_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread serving_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ApiTest, HealthSaysTheTerminal) {
  const auto r = call("GET", "/v1/health");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  const auto j = body_of(r);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["terminal_id"], ledger_->terminal().terminal_id);
  EXPECT_EQ(j["currency"], "RUB");
}

TEST_F(ApiTest, ASaleAnswersWithTheCliSaleShape) {
  const std::string token = new_card_token();
  const auto r = call("POST", "/v1/sales",
                      json{{"items", {{{"sku", "CROISSANT"}, {"qty", 2}}, {{"sku", "LATTE"}}}},
                           {"card", token},
                           {"payment", "card"},
                           {"cashier", "anna"}}
                          .dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(header_of(r, "location"), "/v1/sales/1");
  const auto j = body_of(r);
  std::set<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"sale_id", "at", "payment", "subtotal", "discount",
                                         "total", "currency", "lines", "promotions", "messages",
                                         "card", "journal"}));
  EXPECT_EQ(j["sale_id"], 1);
  EXPECT_EQ(j["payment"], "card");
  EXPECT_EQ(j["lines"].size(), 2u);
  EXPECT_EQ(j["lines"][0]["sku"], "CROISSANT");
  EXPECT_EQ(j["lines"][0]["qty"], 2);
  EXPECT_EQ(j["card"]["visits"], 1);
  EXPECT_EQ(j["card"]["token"], token);
  EXPECT_EQ(rows("sales"), 1);
}

TEST_F(ApiTest, CardsAreIssuedReadAsTheCliReadsThemAndReferred) {
  const std::string token = new_card_token();
  ASSERT_FALSE(token.empty());
  auto r = call("GET", "/v1/cards/" + token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["visits"], 0);
  EXPECT_EQ(body_of(r)["token"], token);
  // Lower case, and the card's link, as a scanner gives them.
  std::string lower = token;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(call("GET", "/v1/cards/" + lower).status, 200);
  std::string url = loyalty::card_url(config_.card_base_url, token);
  std::string escaped;
  for (char c : url)
    escaped += c == '/' ? std::string("%2F") : c == ':' ? "%3A" : std::string(1, c);
  r = call("GET", "/v1/cards/" + escaped);
  EXPECT_EQ(r.status, 200) << r.body;
  // A referred card names its referrer.
  r = call("POST", "/v1/cards", json{{"referrer", token}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string referred = body_of(r)["token"];
  r = call("GET", "/v1/cards/" + referred);
  EXPECT_FALSE(body_of(r)["referrer"].is_null()) << r.body;
  EXPECT_EQ(rows("cards"), 2);
}

TEST_F(ApiTest, RefundsInPartsThenWholeThenConflict) {
  auto r = call("POST", "/v1/sales",
                json{{"items", {{{"sku", "CROISSANT"}, {"qty", 2}}, {{"sku", "LATTE"}}}}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  r = call("POST", "/v1/sales/1/refund", json{{"items", {{{"sku", "LATTE"}}}}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["complete"], false);
  EXPECT_EQ(body_of(r)["lines"].size(), 1u);
  r = call("POST", "/v1/sales/1/refund");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["complete"], true);
  const auto events = rows("events");
  r = call("POST", "/v1/sales/1/refund");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(body_of(r)["error"]["code"], "conflict");
  EXPECT_EQ(rows("events"), events);
}

TEST_F(ApiTest, TheDayReportCountsTheSales) {
  ASSERT_EQ(call("POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}]})").status, 201);
  auto r = call("GET", "/v1/reports/day");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["sales"], 1);
  const std::string today = body_of(r)["date"];
  r = call("GET", "/v1/reports/day?date=" + today);
  EXPECT_EQ(body_of(r)["sales"], 1);
  r = call("GET", "/v1/reports/day?date=2001-01-01");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["sales"], 0);
}

TEST_F(ApiTest, TheSameIdempotencyKeyRecordsOneSale) {
  const std::string body = R"({"items":[{"sku":"CROISSANT","qty":2}],"payment":"cash"})";
  const HttpClient::Headers key{{"Idempotency-Key", "till-7-0001"}};
  const auto sales = rows("sales"), events = rows("events");
  const auto first = call("POST", "/v1/sales", body, key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(header_of(first, "idempotent-replayed"), "<none>");
  const auto events_of_one = rows("events") - events;
  // The same request, spelled differently: the same sale back, nothing new.
  const auto again =
      call("POST", "/v1/sales",
           R"({ "payment": "cash", "items": [ {"qty": 2, "sku": "CROISSANT"} ] })", key);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(header_of(again, "idempotent-replayed"), "true");
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(rows("sales"), sales + 1);
  EXPECT_EQ(rows("events"), events + events_of_one);
  EXPECT_EQ(rows("sale_keys"), 1);
  // Another body under the same key: refused, nothing recorded.
  const auto other = call("POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}]})", key);
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(body_of(other)["error"]["code"], "conflict");
  EXPECT_EQ(rows("sales"), sales + 1);
  EXPECT_EQ(rows("events"), events + events_of_one);
  // A bad key is refused before anything happens.
  const auto bad = call("POST", "/v1/sales", body, {{"Idempotency-Key", std::string(201, 'k')}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(rows("sales"), sales + 1);
  auto audit = pos::audit_ledger(*observer_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

TEST_F(ApiTest, AQuoteCommitsExactlyTheQuotedBasket) {
  const std::string token = new_card_token();
  auto q = call(
      "POST", "/v1/quote",
      json{{"items", {{{"sku", "CROISSANT"}, {"qty", 2}}, {{"sku", "LATTE"}}}}, {"card", token}}
          .dump());
  ASSERT_EQ(q.status, 200) << q.body;
  const auto quote = body_of(q);
  ASSERT_TRUE(quote["quote_id"].is_string());
  EXPECT_EQ(quote["card"]["visits"], 0);
  EXPECT_EQ(rows("sales"), 0);
  const HttpClient::Headers key{{"Idempotency-Key", "q-1"}};
  const std::string sell_body = json{{"quote_id", quote["quote_id"]}, {"payment", "card"}}.dump();
  auto r = call("POST", "/v1/sales", sell_body, key);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto sale = body_of(r);
  for (const char* k : {"lines", "subtotal", "discount", "total", "promotions", "messages"}) {
    EXPECT_EQ(sale[k], quote[k]) << k;
  }
  EXPECT_EQ(sale["card"]["token"], token);
  // The quote went with the sale; its replay still answers.
  r = call("POST", "/v1/sales", sell_body, key);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header_of(r, "idempotent-replayed"), "true");
  r = call("POST", "/v1/sales", sell_body);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(rows("sales"), 1);
  // A quote's basket cannot be given again beside it.
  r = call("POST", "/v1/sales",
           json{{"quote_id", quote["quote_id"]}, {"items", {{{"sku", "LATTE"}}}}}.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("items"), std::string::npos) << r.body;
}

TEST_F(ApiTest, AQuoteWhosePriceChangedIsAConflictAndRecordsNothing) {
  auto q = call("POST", "/v1/quote", R"({"items":[{"sku":"CROISSANT"}]})");
  ASSERT_EQ(q.status, 200) << q.body;
  auto product = observer_->find_product("CROISSANT");
  ASSERT_TRUE(product.ok() && *product);
  loyalty::Product dearer = **product;
  dearer.price += 1000;
  ASSERT_TRUE(observer_->import_products({dearer}).ok());
  const auto sales = rows("sales"), events = rows("events");
  auto r = call("POST", "/v1/sales", json{{"quote_id", body_of(q)["quote_id"]}}.dump());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("quote"), std::string::npos) << r.body;
  EXPECT_EQ(rows("sales"), sales);
  EXPECT_EQ(rows("events"), events);
}

TEST_F(ApiTest, AQuoteWhoseCardChangedIsAConflict) {
  const std::string token = new_card_token();
  const std::string basket = json{{"items", {{{"sku", "CROISSANT"}}}}, {"card", token}}.dump();
  auto q = call("POST", "/v1/quote", basket);
  ASSERT_EQ(q.status, 200) << q.body;
  ASSERT_EQ(call("POST", "/v1/sales", basket).status, 201);  // the card earns a stamp
  auto r = call("POST", "/v1/sales", json{{"quote_id", body_of(q)["quote_id"]}}.dump());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(rows("sales"), 1);
}

TEST_F(ApiTest, QuotesExpireAndAreCapped) {
  auto q = call("POST", "/v1/quote", R"({"items":[{"sku":"LATTE"}]})");
  ASSERT_EQ(q.status, 200);
  const std::string old_id = body_of(q)["quote_id"];
  steady_seconds_ += 15 * 60;
  auto r = call("POST", "/v1/sales", json{{"quote_id", old_id}}.dump());
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(service_->quotes_held(), 0u);
  // At most three (this fixture's cap): the oldest goes first.
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(body_of(call("POST", "/v1/quote", R"({"items":[{"sku":"LATTE"}]})"))["quote_id"]);
  }
  EXPECT_EQ(service_->quotes_held(), 3u);
  EXPECT_EQ(call("POST", "/v1/sales", json{{"quote_id", ids[0]}}.dump()).status, 404);
  EXPECT_EQ(call("POST", "/v1/sales", json{{"quote_id", ids[3]}}.dump()).status, 201);
}

struct BadRequest {
  std::string method, target, body;
  int status;
  std::string code;
  std::string names;  // a part of the message
};

TEST_F(ApiTest, BadRequestsGetTheirStatusAndChangeNothing) {
  ASSERT_EQ(call("POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}]})").status, 201);
  const auto sales = rows("sales"), events = rows("events"), cards = rows("cards");
  const std::vector<BadRequest> cases = {
      {"POST", "/v1/sales", "{\"items\": [", 400, "invalid_input", "not valid JSON"},
      {"POST", "/v1/sales", "[1,2]", 400, "invalid_input", "JSON object"},
      {"POST", "/v1/sales", "", 400, "invalid_input", "body"},
      {"POST", "/v1/sales", "{}", 400, "invalid_input", "\\\"items\\\" is missing"},
      {"POST", "/v1/sales", R"({"items":[]})", 400, "invalid_input", "items"},
      {"POST", "/v1/sales", R"({"items":"LATTE"})", 400, "invalid_input", "items"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE","qty":"2"}]})", 400, "invalid_input",
       "items[0].qty"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE","qty":1.5}]})", 400, "invalid_input",
       "items[0].qty"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE","qty":0}]})", 400, "invalid_input",
       "items[0].qty"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE","qty":18446744073709551615}]})", 400,
       "invalid_input", "items[0].qty"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE","size":"XL"}]})", 400, "invalid_input",
       "unknown field \\\"items[0].size\\\" (allowed: qty, sku)"},
      {"POST", "/v1/sales", R"({"items":[{"qty":1}]})", 400, "invalid_input", "items[0].sku"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}],"colour":"red"})", 400, "invalid_input",
       "unknown field \\\"colour\\\" (allowed: card, cashier, codes, items, payment, redeem, "
       "skip_promotions)"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}],"payment":7})", 400, "invalid_input",
       "payment"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}],"payment":"bitcoin"})", 400,
       "invalid_input", "payment"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}],"codes":"VK2611"})", 400, "invalid_input",
       "codes"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}],"redeem":[1]})", 400, "invalid_input",
       "redeem[0]"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"NO-SUCH-THING"}]})", 404, "not_found",
       "NO-SUCH-THING"},
      {"POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}],"card":"not a card"})", 400,
       "invalid_input", "card"},
      {"POST", "/v1/sales", R"({"quote_id":"nope"})", 404, "not_found", "quote"},
      {"POST", "/v1/quote", R"({"items":[{"sku":"LATTE"}],"payment":"cash"})", 400, "invalid_input",
       "payment"},
      {"POST", "/v1/cards", R"({"referrer":5})", 400, "invalid_input", "referrer"},
      {"POST", "/v1/cards", R"({"name":"Bob"})", 400, "invalid_input", "name"},
      {"POST", "/v1/sales/abc/refund", "", 400, "invalid_input", "abc"},
      {"POST", "/v1/sales/99/refund", "", 404, "not_found", "99"},
      {"POST", "/v1/sales/1/refund", R"({"items":[{"sku":"TEA"}]})", 404, "not_found", "TEA"},
      {"GET", "/v1/cards/XXXX", "", 400, "invalid_input", "card"},
      {"GET", "/v1/reports/day?date=2026-13-45", "", 400, "invalid_input", "2026-13-45"},
      {"GET", "/v1/reports/day?when=today", "", 400, "invalid_input", "when"},
      {"GET", "/v1/health?x=1", "", 400, "invalid_input", "query"},
      {"DELETE", "/v1/sales", "", 405, "method_not_allowed", "GET, POST"},
      {"DELETE", "/v1/cards/ABC", "", 405, "method_not_allowed", "GET"},
      {"POST", "/v1/health", "", 405, "method_not_allowed", "GET"},
      {"GET", "/v1/nothing", "", 404, "not_found", "/v1/nothing"},
      {"GET", "/nothing", "", 404, "not_found", "/nothing"},
      {"POST", "/v1/sales", std::string(70 * 1024, ' '), 413, "too_large", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target + " " + c.body.substr(0, 80));
    const auto r = call(c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    const auto j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body;
    EXPECT_EQ(j["error"]["code"], c.code) << r.body;
    EXPECT_NE(r.body.find(c.names), std::string::npos) << r.body;
    if (c.status == 405) {
      EXPECT_EQ(header_of(r, "allow"), c.names);
    }
  }
  EXPECT_EQ(rows("sales"), sales);
  EXPECT_EQ(rows("events"), events);
  EXPECT_EQ(rows("cards"), cards);
  EXPECT_EQ(rows("refunds"), 0);
}

TEST_F(ApiTest, NoOrWrongTokenIsRefusedAndChangesNothing) {
  const auto sales = rows("sales"), events = rows("events");
  HttpClient bare("127.0.0.1", port_);
  const std::string body = R"({"items":[{"sku":"LATTE"}]})";
  for (const auto& headers :
       std::vector<HttpClient::Headers>{{},
                                        {{"Authorization", "Bearer wrong"}},
                                        {{"Authorization", std::string("Basic ") + kToken}}}) {
    auto r = bare.request("POST", "/v1/sales", body, headers);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->status, 401) << r->body;
  }
  EXPECT_EQ(rows("sales"), sales);
  EXPECT_EQ(rows("events"), events);
}

TEST(ApiStatus, EveryErrorCodeHasItsStatus) {
  EXPECT_EQ(http_status(ErrorCode::kInvalidInput), 400);
  EXPECT_EQ(http_status(ErrorCode::kOverflow), 400);
  EXPECT_EQ(http_status(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status(ErrorCode::kConflict), 409);
  EXPECT_EQ(http_status(ErrorCode::kUnavailable), 503);
  for (auto code :
       {ErrorCode::kCorrupt, ErrorCode::kUnsupported, ErrorCode::kIo, ErrorCode::kInternal}) {
    EXPECT_EQ(http_status(code), 500) << error_code_name(code);
  }
}

// A ledger another process holds the write lock of: the sale waits its
// busy timeout, then 503 and nothing recorded.
TEST_F(ApiTest, ALedgerHeldByAnotherWriterIs503) {
  ASSERT_TRUE(ledger_->db().exec("PRAGMA busy_timeout = 50").ok());
  ASSERT_TRUE(observer_->db().exec("BEGIN IMMEDIATE").ok());
  const auto r = call("POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}]})");
  ASSERT_TRUE(observer_->db().exec("ROLLBACK").ok());
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(body_of(r)["error"]["code"], "unavailable");
  EXPECT_EQ(rows("sales"), 0);
}

// Clients on threads of their own, each with its keep-alive connection:
// every sale recorded once, and the ledger audits clean.
TEST_F(ApiTest, ConcurrentClientsRecordEverySaleOnce) {
  constexpr int kThreads = 8;
  constexpr int kSalesEach = 100;
  const std::string token = new_card_token();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client("127.0.0.1", port_, std::chrono::milliseconds(30000));
      const HttpClient::Headers auth{{"Authorization", std::string("Bearer ") + kToken}};
      for (int i = 0; i < kSalesEach; ++i) {
        json body{{"items", {{{"sku", i % 2 ? "LATTE" : "CROISSANT"}, {"qty", 1 + i % 3}}}}};
        if (i % 4 == 0) body["card"] = token;
        HttpClient::Headers headers = auth;
        headers.emplace_back("Idempotency-Key", "t" + std::to_string(t) + "-" + std::to_string(i));
        auto r = client.request("POST", "/v1/sales", body.dump(), headers);
        if (!r.ok() || r->status != 201) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(rows("sales"), kThreads * kSalesEach);
  EXPECT_EQ(rows("sale_keys"), kThreads * kSalesEach);
  auto audit = pos::audit_ledger(*observer_);
  ASSERT_TRUE(audit.ok()) << audit.error().message();
  EXPECT_EQ(audit->sales, kThreads * kSalesEach);
}

}  // namespace
}  // namespace loyalpos::api
