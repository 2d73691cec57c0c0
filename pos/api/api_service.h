// The endpoints of `loyalpos serve` (docs/api.md): a Handler over the
// ledger's SaleService that answers with the JSON shapes of the command
// line's --json (pos/ledger/json_output.h), so a front end in any language
// reads the same objects a script reads from `loyalpos --json`.
//
// Errors are {"error":{"code","message"}} (error_json) with the status of
// their code: kInvalidInput and kOverflow 400, kNotFound 404, kConflict 409,
// kUnavailable 503, any other 500; a malformed body is 400, an unknown path
// 404, a known path with the wrong method 405. A request that fails changes
// nothing.
//
// HttpServer calls it on one thread, one request at a time, so the quotes it
// keeps in memory need no lock. No Boost here: HttpServer carries the bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/rules.h"
#include "loyalty/scan_input.h"
#include "net/http_server.h"
#include "pos/api/counter_page.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::api {

using net::Handler;
using net::HttpRequest;
using net::HttpResponse;

using SteadyTime = std::chrono::steady_clock::time_point;

struct ApiOptions {
  loyalty::ScanSettings scan;  // how card codes and links are read (as the CLI reads them)
  std::chrono::seconds quote_ttl{15 * 60};
  std::size_t max_quotes = 1000;  // the oldest quote goes when a new one would pass this
  // After a sale has committed (never for a replay): prints its receipt, say.
  // What it returns goes under "print" in the sale's answer (null: nothing).
  std::function<nlohmann::json(const pos::SaleRecord&)> after_sale;
  // Prints a copy of a sale's receipt now (POST /v1/sales/{id}/reprint):
  // what it returns goes under "print". Unset: the terminal has no printer.
  std::function<Result<nlohmann::json>(std::int64_t sale_id)> reprint;
  // Quotes expire by this clock (tests turn it forward).
  std::function<SteadyTime()> steady_now = [] { return std::chrono::steady_clock::now(); };
  // Given: quotes and sales follow the rules head office publishes
  // (pos/config's parse_published_rules; SaleService's following constructor).
  pos::PublishedRulesReader published_rules = nullptr;
  // The bearer token of `serve`: the counter page's session cookie is made
  // from it (counter_page.h). Empty: no browser can sign in.
  std::string api_token;
};

// The HTTP status an error code answers with.
int http_status(ErrorCode code);

class ApiService {
 public:
  // Keeps its own copy of `rules`, which published rules may replace.
  ApiService(pos::Ledger& ledger, const loyalty::Rules& rules, const pos::Clock& clock,
             ApiOptions options);

  HttpResponse handle(const HttpRequest& request);
  // handle() as the Handler HttpServer takes; `this` must outlive the server.
  Handler handler() {
    return [this](const HttpRequest& request) { return handle(request); };
  }
  // For ServerOptions::admit_without_token: the counter page's files, its
  // sign-in, and /v1 calls carrying its cookie. `this` must outlive the server.
  std::function<bool(const HttpRequest&)> admitter() const {
    return [this](const HttpRequest& request) { return page_.admits(request); };
  }

  // Quotes held now (expired ones are dropped when the next request comes).
  std::size_t quotes_held() const { return quotes_.size(); }

 private:
  // What a quote priced, kept to ring up exactly that basket later.
  struct Quote {
    std::vector<pos::ItemRequest> items;
    std::optional<std::string> card_token;
    std::vector<std::string> redeem;
    std::vector<std::string> codes;
    std::vector<std::string> skip_promotions;
    std::string fingerprint;  // pos::pricing_fingerprint of the quoted basket
    SteadyTime expires;
  };

  Result<HttpResponse> quote(const HttpRequest& request);
  Result<HttpResponse> sell(const HttpRequest& request);
  Result<HttpResponse> refund(const HttpRequest& request, const std::string& sale_id);
  Result<HttpResponse> issue_card(const HttpRequest& request);
  Result<HttpResponse> show_card(const std::string& code);
  Result<HttpResponse> day_report(const std::string& query);
  Result<HttpResponse> catalog();
  Result<HttpResponse> scan(const HttpRequest& request);
  Result<HttpResponse> recent_sales(const std::string& query);
  Result<HttpResponse> show_sale(const std::string& sale_id);
  Result<HttpResponse> reprint(const std::string& sale_id);
  HttpResponse health();

  Result<pos::Card> find_card(const std::string& given, const std::string& field);
  void drop_expired_quotes();

  pos::Ledger& ledger_;
  loyalty::Rules rules_;
  const pos::Clock& clock_;
  ApiOptions options_;
  pos::SaleService sales_;
  CounterPage page_;
  std::map<std::string, Quote> quotes_;
  // Quote ids in the order they were made (some may be gone already).
  std::deque<std::pair<SteadyTime, std::string>> quote_order_;
};

}  // namespace loyalpos::api
