// The counter page's side of the API (pos/api/counter_page.h, docs/api.md,
// docs/counter-page.md): its files served from the binary, the cookie that
// signs a browser in, and the endpoints the page reads — the catalog, one
// scanned line read as the terminal counter reads it, the recent sales.
// Through the real HttpServer on 127.0.0.1, as `serve` wires it.
#include "pos/api/counter_page.h"

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "loyalty/scan_input.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "pos/api/api_service.h"
#include "tests/pos/pos_fixture.h"

namespace loyalpos::api {
namespace {

using net::HttpClient;
using net::HttpServer;
using net::ServerOptions;
using nlohmann::json;
using pos::testing::LedgerTest;

constexpr const char* kToken = "page-test-token-0123456789abcdef";

std::string header_of(const HttpResponse& r, std::string_view lower_name) {
  for (const auto& [name, value] : r.headers) {
    if (name == lower_name) return value;
  }
  return "";
}

class CounterPageTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    ApiOptions options;
    options.scan = {config_.card_base_url, "", ""};
    options.api_token = kToken;
    service_ = std::make_unique<ApiService>(*ledger_, config_.rules, clock_, std::move(options));
    ServerOptions server_options;
    server_options.bearer_token = kToken;
    server_options.admit_without_token = service_->admitter();
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

  HttpResponse raw(const std::string& method, const std::string& target, const std::string& body,
                   const HttpClient::Headers& headers) {
    auto r = client_->request(method, target, body, headers);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? *r : HttpResponse{0, "", "", {}};
  }
  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = {}) {
    return raw(method, target, body, {{"Authorization", std::string("Bearer ") + kToken}});
  }
  static json body_of(const HttpResponse& r) {
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    return j;
  }
  // The cookie a browser gets for the right key: "loyalpos_counter=<hex>".
  std::string sign_in() {
    const auto r = raw("POST", "/counter/session", json{{"key", kToken}}.dump(), {});
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string set = header_of(r, "set-cookie");
    return set.substr(0, set.find(';'));
  }

  std::unique_ptr<ApiService> service_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread serving_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(CounterPageTest, ThePageFilesAreServedWithoutAToken) {
  ASSERT_EQ(page_assets().size(), 3u);
  std::size_t weight = 0;
  for (const auto& asset : page_assets()) {
    const auto r = raw("GET", std::string(asset.path), "", {});
    ASSERT_EQ(r.status, 200) << asset.path;
    EXPECT_EQ(r.body, asset.bytes);
    EXPECT_EQ(r.content_type, asset.content_type);
    EXPECT_NE(header_of(r, "content-security-policy").find("default-src 'self'"),
              std::string::npos);
    weight += r.body.size();
  }
  EXPECT_LT(weight, 150u * 1024) << "the page's goal is under 150 KB";
  const auto html = raw("GET", "/", "", {});
  EXPECT_NE(html.body.find("<script src=\"/counter.js\""), std::string::npos);
  // Nothing from another origin.
  for (const auto& asset : page_assets()) {
    EXPECT_EQ(std::string(asset.bytes).find("http://"), std::string::npos) << asset.path;
    EXPECT_EQ(std::string(asset.bytes).find("https://"), std::string::npos) << asset.path;
  }
}

TEST_F(CounterPageTest, TheApiStillNeedsTheTokenOrTheCookie) {
  EXPECT_EQ(raw("GET", "/v1/catalog", "", {}).status, 401);
  EXPECT_EQ(raw("POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}]})", {}).status, 401);
  EXPECT_EQ(raw("GET", "/v1/catalog", "", {{"Cookie", "loyalpos_counter=00ff"}}).status, 401);
  EXPECT_EQ(
      raw("GET", "/v1/health", "", {{"Cookie", "loyalpos_counter=" + std::string(kToken)}}).status,
      401)
      << "the cookie is not the token";
  // An unknown path is no way in either.
  EXPECT_EQ(raw("GET", "/counter.js.map", "", {}).status, 401);
  EXPECT_EQ(raw("POST", "/", "", {}).status, 401);
}

TEST_F(CounterPageTest, AWrongKeyGetsNoCookie) {
  const auto r = raw("POST", "/counter/session", R"({"key":"not-it"})", {});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(header_of(r, "set-cookie"), "");
  EXPECT_EQ(raw("POST", "/counter/session", "nonsense", {}).status, 400);
}

TEST_F(CounterPageTest, TheCookieOpensTheApiFromThePagesOwnOrigin) {
  const std::string cookie = sign_in();
  ASSERT_EQ(cookie.rfind("loyalpos_counter=", 0), 0u) << cookie;
  EXPECT_EQ(cookie.size(), std::string("loyalpos_counter=").size() + 64);
  EXPECT_NE(cookie.find(kToken), 0u);
  const auto r = raw("GET", "/v1/catalog", "", {{"Cookie", "a=b; " + cookie}});
  EXPECT_EQ(r.status, 200) << r.body;
  const std::string host = "127.0.0.1:" + std::to_string(port_);
  auto sale = raw("POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}]})",
                  {{"Cookie", cookie}, {"Origin", "http://" + host}, {"Host", host}});
  EXPECT_EQ(sale.status, 201) << sale.body;
  // Another site's page, even carrying the cookie, is refused.
  sale = raw("POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}]})",
             {{"Cookie", cookie}, {"Origin", "http://evil.example"}, {"Host", host}});
  EXPECT_EQ(sale.status, 401) << sale.body;
  // Signing out clears it.
  const auto out = raw("DELETE", "/counter/session", "", {});
  EXPECT_NE(header_of(out, "set-cookie").find("Max-Age=0"), std::string::npos);
}

TEST_F(CounterPageTest, TheCatalogListsProductsProgramsAndTheLanguage) {
  const auto r = call("GET", "/v1/catalog");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = body_of(r);
  EXPECT_EQ(j["store"], "Café");
  EXPECT_EQ(j["currency"]["code"], "RUB");
  EXPECT_EQ(j["currency"]["exponent"], 2);
  EXPECT_EQ(j["language"], "en");
  ASSERT_EQ(j["products"].size(), 8u);
  bool latte = false;
  for (const auto& p : j["products"]) {
    if (p["sku"] == "LATTE") {
      latte = true;
      EXPECT_EQ(p["price"], 22000);
      EXPECT_EQ(p["category"], "drink");
      EXPECT_EQ(p["barcode"], "4600000000077");
    }
  }
  EXPECT_TRUE(latte);
  ASSERT_EQ(j["programs"].size(), 1u);
  EXPECT_EQ(j["programs"][0]["id"], "pastry");
  EXPECT_EQ(j["programs"][0]["mode"], "apply_now");
}

TEST_F(CounterPageTest, AScanIsReadAsTheCounterReadsIt) {
  auto scan = [&](const std::string& line) {
    return call("POST", "/v1/scan", json{{"line", line}}.dump());
  };
  auto r = scan("latte");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["kind"], "product");
  EXPECT_EQ(body_of(r)["product"]["sku"], "LATTE");
  EXPECT_EQ(body_of(r)["qty"], 1);
  r = scan("CROISSANT*3");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["qty"], 3);
  r = scan("4600000000039");  // the croissant's barcode
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["product"]["sku"], "CROISSANT");
  // "LATTE" typed by a scanner under the Russian layout.
  r = scan("ДФЕЕУ");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["product"]["sku"], "LATTE");

  const auto card = new_card();
  for (const std::string& line :
       {card.token, loyalty::card_url(config_.card_base_url, card.token)}) {
    r = scan(line);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(body_of(r)["kind"], "card");
    EXPECT_EQ(body_of(r)["token"], card.token);
    EXPECT_EQ(body_of(r)["card"]["programs"][0]["id"], "pastry");
  }
  // One character misread: a clear error, never another card.
  std::string misread = card.token;
  misread[5] = misread[5] == 'A' ? 'B' : 'A';
  r = scan(misread);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(body_of(r)["error"]["message"].get<std::string>().find("check"), std::string::npos)
      << r.body;
  r = scan("NO-SUCH-THING");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(call("POST", "/v1/scan", R"({"line": 5})").status, 400);
  EXPECT_EQ(call("POST", "/v1/scan", R"({"line": "LATTE", "extra": 1})").status, 400);
}

TEST_F(CounterPageTest, RecentSalesAreListedNewestFirstWithTheirRefunds) {
  EXPECT_EQ(body_of(call("GET", "/v1/sales"))["sales"].size(), 0u);
  ASSERT_EQ(call("POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}]})").status, 201);
  ASSERT_EQ(
      call("POST", "/v1/sales", R"({"items":[{"sku":"TEA","qty":2}],"payment":"card"})").status,
      201);
  ASSERT_EQ(call("POST", "/v1/sales/1/refund").status, 200);
  const auto r = call("GET", "/v1/sales?limit=5");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto sales = body_of(r)["sales"];
  ASSERT_EQ(sales.size(), 2u);
  EXPECT_EQ(sales[0]["sale_id"], 2);
  EXPECT_EQ(sales[0]["total"], 16000);
  EXPECT_EQ(sales[0]["payment"], "card");
  EXPECT_EQ(sales[0]["complete"], false);
  EXPECT_EQ(sales[1]["sale_id"], 1);
  EXPECT_EQ(sales[1]["refunded"], 22000);
  EXPECT_EQ(sales[1]["complete"], true);
  EXPECT_EQ(body_of(call("GET", "/v1/sales?limit=1"))["sales"].size(), 1u);
  EXPECT_EQ(call("GET", "/v1/sales?limit=0").status, 400);
  EXPECT_EQ(call("GET", "/v1/sales?when=today").status, 400);
  const auto one = call("GET", "/v1/sales/2");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(body_of(one)["total"], 16000);
  EXPECT_EQ(body_of(one)["lines"][0]["sku"], "TEA");
  EXPECT_EQ(call("GET", "/v1/sales/99").status, 404);
}

TEST_F(CounterPageTest, AReprintNeedsAPrinterAndASale) {
  ASSERT_EQ(call("POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}]})").status, 201);
  auto r = call("POST", "/v1/sales/1/reprint");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("no printer"), std::string::npos) << r.body;
  EXPECT_EQ(call("POST", "/v1/sales/7/reprint").status, 404);
  EXPECT_EQ(call("GET", "/v1/sales/1/reprint").status, 405);
}

TEST_F(CounterPageTest, AReprintPrintsThroughTheCallback) {
  // The server is idle: a second service on the same ledger, called directly,
  // with a printer that takes the copy.
  ApiOptions options;
  std::int64_t printed = 0;
  options.reprint = [&printed](std::int64_t id) -> Result<nlohmann::json> {
    printed = id;
    return json{{"state", "printed"}, {"error", nullptr}};
  };
  ApiService service(*ledger_, config_.rules, clock_, std::move(options));
  ASSERT_EQ(
      service.handle({"POST", "/v1/sales", R"({"items":[{"sku":"TEA"}]})", {}, "", "", ""}).status,
      201);
  const auto r = service.handle({"POST", "/v1/sales/1/reprint", "", {}, "", "", ""});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(printed, 1);
  EXPECT_EQ(json::parse(r.body)["print"]["state"], "printed");
}

}  // namespace
}  // namespace loyalpos::api
