#include "pos/api/api_service.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <vector>

#include "base/journal_hash.h"
#include "loyalty/coupon_code.h"
#include "loyalty/pricing.h"
#include "net/url_form.h"
#include "pos/ledger/coupons.h"
#include "pos/ledger/json_output.h"
#include "pos/ledger/json_text.h"
#include "pos/ledger/random.h"
#include "pos/ledger/report.h"
#include "pos/ledger/sale_reader.h"

namespace loyalpos::api {

namespace {

using nlohmann::json;

HttpResponse json_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse error_response(const Error& error) {
  return json_response(http_status(error.code()), pos::dump_json(pos::error_json(error)));
}

// A request body: one JSON object, read strictly. Every error names the field.
class Body {
 public:
  // An empty body reads as {} when `empty_ok`.
  static Result<Body> parse(const std::string& text, bool empty_ok) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      if (empty_ok) return Body(json::object());
      return Error::invalid("the request needs a JSON object as its body");
    }
    json value = json::parse(text, nullptr, false);
    if (value.is_discarded()) return Error::invalid("the body is not valid JSON");
    if (!value.is_object()) return Error::invalid("the body must be a JSON object");
    return Body(std::move(value));
  }

  const json& value() const { return value_; }
  bool has(const char* key) const { return value_.contains(key); }

  using Keys = std::initializer_list<std::string_view>;

  Status only(Keys allowed, std::string_view where = {}) const {
    return only_keys(value_, allowed, where);
  }

  static Status only_keys(const json& object, Keys allowed, std::string_view where) {
    for (const auto& field : object.items()) {
      if (std::find(allowed.begin(), allowed.end(), field.key()) == allowed.end()) {
        return Error::invalid("unknown field \"" + std::string(where) + field.key() +
                              "\" (allowed: " + list(allowed) + ")");
      }
    }
    return ok_status();
  }

  Result<std::optional<std::string>> text(const char* key) const {
    const auto it = value_.find(key);
    if (it == value_.end() || it->is_null()) return std::optional<std::string>();
    if (!it->is_string()) return Error::invalid(std::string("\"") + key + "\" must be a string");
    return std::optional<std::string>(it->get<std::string>());
  }

  Result<std::vector<std::string>> texts(const char* key) const {
    std::vector<std::string> out;
    const auto it = value_.find(key);
    if (it == value_.end() || it->is_null()) return out;
    if (!it->is_array()) {
      return Error::invalid(std::string("\"") + key + "\" must be a list of strings");
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& v = (*it)[i];
      if (!v.is_string()) {
        return Error::invalid(std::string("\"") + key + "[" + std::to_string(i) +
                              "]\" must be a string");
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }

  // [{"sku": "CROISSANT", "qty": 2}, ...]; qty defaults to 1.
  Result<std::vector<pos::ItemRequest>> items(bool required) const {
    std::vector<pos::ItemRequest> out;
    const auto it = value_.find("items");
    if (it == value_.end() || it->is_null()) {
      if (required) return Error::invalid("\"items\" is missing: list at least one item");
      return out;
    }
    if (!it->is_array()) return Error::invalid("\"items\" must be a list of {\"sku\", \"qty\"}");
    if (required && it->empty()) return Error::invalid("\"items\" is empty: list at least one");
    out.reserve(it->size());
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string where = "items[" + std::to_string(i) + "]";
      const auto& item = (*it)[i];
      if (!item.is_object()) {
        return Error::invalid("\"" + where + "\" must be an object {\"sku\", \"qty\"}");
      }
      LOYALPOS_TRY(only_keys(item, {"sku", "qty"}, where + "."));
      const auto sku = item.find("sku");
      if (sku == item.end()) return Error::invalid("\"" + where + ".sku\" is missing");
      if (!sku->is_string() || sku->get<std::string>().empty()) {
        return Error::invalid("\"" + where + ".sku\" must be a non-empty string");
      }
      pos::ItemRequest request{sku->get<std::string>(), 1};
      if (const auto qty = item.find("qty"); qty != item.end()) {
        const bool whole =
            qty->is_number_integer() &&
            !(qty->is_number_unsigned() &&
              qty->get<std::uint64_t>() > static_cast<std::uint64_t>(loyalty::kMaxQuantity));
        if (!whole || qty->get<std::int64_t>() < 1 ||
            qty->get<std::int64_t>() > loyalty::kMaxQuantity) {
          return Error::invalid("\"" + where + ".qty\" must be a whole number from 1 to " +
                                std::to_string(loyalty::kMaxQuantity));
        }
        request.qty = qty->get<std::int64_t>();
      }
      out.push_back(std::move(request));
    }
    return out;
  }

 private:
  explicit Body(json value) : value_(std::move(value)) {}

  // The keys in byte order, comma-separated.
  static std::string list(Keys keys) {
    std::vector<std::string_view> sorted(keys);
    std::sort(sorted.begin(), sorted.end());
    std::string out;
    for (const auto key : sorted) out.append(out.empty() ? "" : ", ").append(key);
    return out;
  }

  json value_;
};

// SHA-256 of the request's canonical JSON (keys sorted, no spaces), in hex:
// the same request spelled with other spacing or key order hashes the same.
std::string request_hash(const json& body) { return to_hex(sha256_of(pos::dump_json(body))); }

Result<std::string> random_id() {
  std::string id;
  for (int i = 0; i < 2; ++i) {
    auto bits = pos::random_bits();
    if (!bits.ok()) return bits.error();
    static constexpr char kHex[] = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4) id.push_back(kHex[(*bits >> shift) & 0xF]);
  }
  return id;
}

// An Idempotency-Key: visible ASCII, 1 to kMaxIdempotencyKey characters.
Status check_key(const std::string& key) {
  const bool visible =
      std::all_of(key.begin(), key.end(), [](char c) { return c > 32 && c < 127; });
  if (key.empty() || key.size() > pos::kMaxIdempotencyKey || !visible) {
    return Error::invalid("the Idempotency-Key header must be 1 to " +
                          std::to_string(pos::kMaxIdempotencyKey) +
                          " visible ASCII characters (a UUID, say)");
  }
  return ok_status();
}

HttpResponse wrong_method(const char* allowed) {
  HttpResponse response = json_response(
      405, pos::dump_json(json{{"error",
                                {{"code", "method_not_allowed"},
                                 {"message", std::string("use ") + allowed + " here"}}}}));
  response.headers.emplace_back("Allow", allowed);
  return response;
}

HttpResponse no_such_path(const std::string& path) {
  return json_response(
      404, pos::dump_json(json{{"error",
                                {{"code", "not_found"},
                                 {"message", "no endpoint " + path + " (see docs/api.md)"}}}}));
}

}  // namespace

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
    case ErrorCode::kOverflow:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

ApiService::ApiService(pos::Ledger& ledger, const loyalty::Rules& rules, const pos::Clock& clock,
                       ApiOptions options)
    : ledger_(ledger),
      rules_(rules),
      clock_(clock),
      options_(std::move(options)),
      sales_(ledger, rules_, clock, options_.published_rules),
      page_(options_.api_token) {
  // Rules head office published that do not read are passed over (the
  // sync agent reported them); sales go on with the rules in force.
  (void)sales_.refresh_published_rules();
}

HttpResponse ApiService::handle(const HttpRequest& request) {
  drop_expired_quotes();
  const auto question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  const std::string query =
      question == std::string::npos ? std::string() : request.target.substr(question + 1);
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  const auto answer = [](Result<HttpResponse> result) {
    return result.ok() ? std::move(*result) : error_response(result.error());
  };
  if (auto page = page_.handle(request)) return std::move(*page);
  // Only the report and the list of sales read a query.
  if (!query.empty() && path != "/v1/reports/day" && path != "/v1/sales") {
    return error_response(Error::invalid("this endpoint takes no query parameters"));
  }

  if (path == "/v1/health") return get ? health() : wrong_method("GET");
  if (path == "/v1/quote") return post ? answer(quote(request)) : wrong_method("POST");
  if (path == "/v1/sales") {
    if (get) return answer(recent_sales(query));
    if (!query.empty()) {
      return error_response(Error::invalid("POST /v1/sales takes no query parameters"));
    }
    return post ? answer(sell(request)) : wrong_method("GET, POST");
  }
  if (path == "/v1/catalog") return get ? answer(catalog()) : wrong_method("GET");
  if (path == "/v1/scan") return post ? answer(scan(request)) : wrong_method("POST");
  if (path == "/v1/cards") return post ? answer(issue_card(request)) : wrong_method("POST");
  if (path == "/v1/reports/day") return get ? answer(day_report(query)) : wrong_method("GET");

  constexpr std::string_view kSales = "/v1/sales/";
  constexpr std::string_view kReprint = "/reprint";
  if (path.size() > kSales.size() + kReprint.size() && path.rfind(kSales, 0) == 0 &&
      path.compare(path.size() - kReprint.size(), kReprint.size(), kReprint) == 0) {
    const std::string id =
        path.substr(kSales.size(), path.size() - kSales.size() - kReprint.size());
    if (id.find('/') == std::string::npos) {
      return post ? answer(reprint(id)) : wrong_method("POST");
    }
  }
  constexpr std::string_view kRefund = "/refund";
  if (path.size() > kSales.size() + kRefund.size() && path.rfind(kSales, 0) == 0 &&
      path.compare(path.size() - kRefund.size(), kRefund.size(), kRefund) == 0) {
    const std::string id = path.substr(kSales.size(), path.size() - kSales.size() - kRefund.size());
    if (id.find('/') == std::string::npos) {
      return post ? answer(refund(request, id)) : wrong_method("POST");
    }
  }
  if (path.size() > kSales.size() && path.rfind(kSales, 0) == 0 &&
      path.find('/', kSales.size()) == std::string::npos) {
    return get ? answer(show_sale(path.substr(kSales.size()))) : wrong_method("GET");
  }
  constexpr std::string_view kCards = "/v1/cards/";
  if (path.size() > kCards.size() && path.rfind(kCards, 0) == 0 &&
      path.find('/', kCards.size()) == std::string::npos) {
    return get ? answer(show_card(path.substr(kCards.size()))) : wrong_method("GET");
  }
  return no_such_path(path);
}

void ApiService::drop_expired_quotes() {
  const SteadyTime now = options_.steady_now();
  while (!quote_order_.empty() &&
         (quote_order_.front().first <= now || quotes_.size() > options_.max_quotes)) {
    const auto it = quotes_.find(quote_order_.front().second);
    if (it != quotes_.end() && it->second.expires == quote_order_.front().first) quotes_.erase(it);
    quote_order_.pop_front();
  }
  // Ids of quotes already sold would pile up: keep the list near the map's size.
  if (quote_order_.size() > 2 * options_.max_quotes + 16) {
    std::erase_if(quote_order_, [this](const auto& entry) {
      return quotes_.find(entry.second) == quotes_.end();
    });
  }
}

Result<pos::Card> ApiService::find_card(const std::string& given, const std::string& field) {
  auto token = loyalty::read_card_code(given, options_.scan);
  if (!token.ok()) return token.error().with_context(field + ": ");
  auto card = sales_.resolve_card(*token);
  if (!card.ok()) return card.error().with_context(field + ": ");
  return card;
}

Result<HttpResponse> ApiService::quote(const HttpRequest& request) {
  auto body = Body::parse(request.body, false);
  if (!body.ok()) return body.error();
  LOYALPOS_TRY(body->only({"items", "card", "redeem", "codes", "skip_promotions"}));
  Quote quote;
  auto items = body->items(true);
  if (!items.ok()) return items.error();
  quote.items = std::move(*items);
  auto card = body->text("card");
  if (!card.ok()) return card.error();
  auto redeem = body->texts("redeem");
  if (!redeem.ok()) return redeem.error();
  quote.redeem = std::move(*redeem);
  auto codes = body->texts("codes");
  if (!codes.ok()) return codes.error();
  quote.codes = std::move(*codes);
  auto skip = body->texts("skip_promotions");
  if (!skip.ok()) return skip.error();
  quote.skip_promotions = std::move(*skip);

  auto lines = sales_.resolve_items(quote.items);
  if (!lines.ok()) return lines.error();
  std::optional<pos::Card> found;
  std::optional<pos::CardHistory> history;
  if (*card) {
    auto c = find_card(**card, "card");
    if (!c.ok()) return c.error();
    found = *c;
    quote.card_token = c->token;
    auto h = sales_.history(*c);
    if (!h.ok()) return h.error();
    history = std::move(*h);
  }
  auto priced = sales_.quote(*lines, found, quote.redeem, quote.codes, quote.skip_promotions);
  if (!priced.ok()) return priced.error();
  quote.fingerprint = pos::pricing_fingerprint(*priced);
  auto id = random_id();
  if (!id.ok()) return id.error();
  quote.expires = options_.steady_now() + options_.quote_ttl;

  json out = pos::quote_json(*priced, history, ledger_.terminal(), rules_);
  out["quote_id"] = *id;
  out["expires_at"] = clock_.now_unix() + options_.quote_ttl.count();
  quote_order_.emplace_back(quote.expires, *id);
  quotes_.emplace(*id, std::move(quote));
  drop_expired_quotes();  // keeps at most max_quotes
  return json_response(200, pos::dump_json(out));
}

Result<HttpResponse> ApiService::sell(const HttpRequest& request) {
  auto body = Body::parse(request.body, false);
  if (!body.ok()) return body.error();
  pos::SaleRequest sale;
  if (const std::string* key = request.header("idempotency-key")) {
    LOYALPOS_TRY(check_key(*key));
    sale.idempotency_key = *key;
    sale.request_hash = request_hash(body->value());
  }
  auto payment = body->text("payment");
  if (!payment.ok()) return payment.error();
  if (*payment) sale.payment = **payment;
  auto cashier = body->text("cashier");
  if (!cashier.ok()) return cashier.error();
  if (*cashier) sale.cashier = **cashier;

  std::optional<std::string> quote_id;
  if (body->has("quote_id")) {
    // The basket is the quote's: nothing of it may be given again.
    LOYALPOS_TRY(body->only({"quote_id", "payment", "cashier"}));
    auto id = body->text("quote_id");
    if (!id.ok()) return id.error();
    if (!*id) return Error::invalid("\"quote_id\" must be a string");
    quote_id = **id;
    const auto it = quotes_.find(*quote_id);
    if (it == quotes_.end()) {
      // Sold already under this key (the quote went with the sale): the replay.
      if (sale.idempotency_key) {
        auto replay = sales_.keyed_sale(*sale.idempotency_key, sale.request_hash);
        if (!replay.ok()) return replay.error();
        if (*replay) {
          HttpResponse response = json_response(200, *(*replay)->recorded_json);
          response.headers.emplace_back("Idempotent-Replayed", "true");
          return response;
        }
      }
      return Error::not_found("no quote \"" + *quote_id +
                              "\": it expired, was sold or never was; quote again");
    }
    const Quote& quote = it->second;
    sale.items = quote.items;
    sale.card_token = quote.card_token;
    sale.redeem = quote.redeem;
    sale.codes = quote.codes;
    sale.skip_promotions = quote.skip_promotions;
    sale.expected_pricing = quote.fingerprint;
  } else {
    LOYALPOS_TRY(
        body->only({"items", "card", "payment", "cashier", "redeem", "codes", "skip_promotions"}));
    auto items = body->items(true);
    if (!items.ok()) return items.error();
    sale.items = std::move(*items);
    auto card = body->text("card");
    if (!card.ok()) return card.error();
    if (*card) {
      // Read here, looked up once, by the sale itself.
      auto token = loyalty::read_card_code(**card, options_.scan);
      if (!token.ok()) return token.error().with_context("card: ");
      sale.card_token = std::move(*token);
    }
    auto redeem = body->texts("redeem");
    if (!redeem.ok()) return redeem.error();
    sale.redeem = std::move(*redeem);
    auto codes = body->texts("codes");
    if (!codes.ok()) return codes.error();
    sale.codes = std::move(*codes);
    auto skip = body->texts("skip_promotions");
    if (!skip.ok()) return skip.error();
    sale.skip_promotions = std::move(*skip);
  }

  auto record = sales_.sell(sale);
  if (!record.ok()) return record.error();
  if (record->replayed) {
    HttpResponse response = json_response(200, *record->recorded_json);
    response.headers.emplace_back("Idempotent-Replayed", "true");
    return response;
  }
  if (quote_id) quotes_.erase(*quote_id);  // one sale per quote
  // The sale is recorded: from here on nothing fails the request.
  json print = options_.after_sale ? options_.after_sale(*record) : json(nullptr);
  HttpResponse response;
  response.status = 201;
  response.headers.emplace_back("Location", "/v1/sales/" + std::to_string(record->sale_id));
  if (print.is_null()) {
    response.body = record->recorded_json
                        ? *record->recorded_json
                        : pos::sale_json_text(*record, ledger_.terminal(), rules_);
  } else {
    json out = pos::sale_json(*record, ledger_.terminal(), rules_);
    if (!print.is_null()) out["print"] = std::move(print);
    response.body = pos::dump_json(out);
  }
  return response;
}

Result<HttpResponse> ApiService::refund(const HttpRequest& request, const std::string& sale_id) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(sale_id.data(), sale_id.data() + sale_id.size(), id);
  if (ec != std::errc() || end != sale_id.data() + sale_id.size() || id < 1) {
    return Error::invalid("\"" + sale_id + "\" is not a sale number");
  }
  auto body = Body::parse(request.body, true);
  if (!body.ok()) return body.error();
  LOYALPOS_TRY(body->only({"items"}));
  auto items = body->items(false);
  if (!items.ok()) return items.error();
  auto record = sales_.refund(id, *items);
  if (!record.ok()) return record.error();
  return json_response(200, pos::dump_json(pos::refund_json(*record, ledger_.terminal(), rules_)));
}

Result<HttpResponse> ApiService::issue_card(const HttpRequest& request) {
  auto body = Body::parse(request.body, true);
  if (!body.ok()) return body.error();
  LOYALPOS_TRY(body->only({"referrer"}));
  auto given = body->text("referrer");
  if (!given.ok()) return given.error();
  std::optional<pos::Card> referrer;
  if (*given) {
    auto found = find_card(**given, "referrer");
    if (!found.ok()) return found.error();
    referrer = *found;
  }
  auto id = pos::random_card_id();
  if (!id.ok()) return id.error();
  auto issued = ledger_.issue_card(*id, clock_.now_unix(), referrer);
  if (!issued.ok()) return issued.error();
  const std::string url = loyalty::card_url(options_.scan.card_base_url, issued->token);
  HttpResponse response = json_response(
      201,
      pos::dump_json(json{{"token", issued->token}, {"card_id", issued->card_id}, {"url", url}}));
  response.headers.emplace_back("Location", "/v1/cards/" + issued->token);
  return response;
}

Result<HttpResponse> ApiService::show_card(const std::string& code) {
  auto given = net::url_decode(code, false);
  if (!given.ok()) return given.error();
  auto card = find_card(*given, "card");
  if (!card.ok()) return card.error();
  auto history = sales_.history(*card);
  if (!history.ok()) return history.error();
  return json_response(200, pos::dump_json(pos::card_json(*history, rules_)));
}

Result<HttpResponse> ApiService::day_report(const std::string& query) {
  auto fields = net::form_fields(query);
  if (!fields.ok()) return fields.error();
  std::string date;
  for (const auto& [name, value] : *fields) {
    if (name != "date") {
      return Error::invalid("unknown query parameter \"" + name + "\" (allowed: date)");
    }
    date = value;
  }
  if (date.empty()) date = clock_.local_date(clock_.now_unix());
  if (!pos::is_valid_date(date)) {
    return Error::invalid("date \"" + date + "\" is not a day like 2026-11-21");
  }
  auto day = pos::day_report(ledger_, date);
  if (!day.ok()) return day.error();
  return json_response(200, pos::dump_json(pos::report_json(*day, ledger_.terminal())));
}

Result<HttpResponse> ApiService::catalog() {
  auto products = ledger_.products();
  if (!products.ok()) return products.error();
  json list = json::array();
  for (const auto& p : *products) {
    list.push_back({{"sku", p.sku},
                    {"name", p.name},
                    {"category", p.category},
                    {"price", p.price},
                    {"barcode", p.barcode}});
  }
  json programs = json::array();
  for (const auto& p : rules_.stamp_programs) {
    programs.push_back({{"id", p.id},
                        {"name", p.name},
                        {"mode", p.mode == loyalty::RewardMode::kBank ? "bank" : "apply_now"}});
  }
  for (const auto& p : rules_.points_programs) {
    programs.push_back({{"id", p.id}, {"name", p.name}, {"mode", "points"}});
  }
  const auto& t = ledger_.terminal();
  return json_response(
      200, pos::dump_json(
               json{{"store", t.store_name},
                    {"terminal", t.terminal_name},
                    {"currency", {{"code", t.currency.code}, {"exponent", t.currency.exponent}}},
                    {"language", rules_.language == loyalty::Language::kRussian ? "ru" : "en"},
                    {"products", std::move(list)},
                    {"programs", std::move(programs)}}));
}

namespace {

json product_json(const loyalty::Product& p) {
  return {{"sku", p.sku},
          {"name", p.name},
          {"category", p.category},
          {"price", p.price},
          {"barcode", p.barcode}};
}

}  // namespace

// One scanned line, read as the terminal counter reads it (pos/app/counter.cc):
// a card (bare code, link, any case, Russian layout), a product barcode, a
// one-shot coupon, else a SKU ("LATTE", "LATTE*2"; under the Russian layout
// the same keys as QWERTY). Nothing is recorded: the page adds what it names
// to its basket.
Result<HttpResponse> ApiService::scan(const HttpRequest& request) {
  auto body = Body::parse(request.body, false);
  if (!body.ok()) return body.error();
  LOYALPOS_TRY(body->only({"line"}));
  auto line = body->text("line");
  if (!line.ok()) return line.error();
  if (!*line) return Error::invalid("\"line\" is missing: the scanned line");
  auto read = loyalty::classify_scan(**line, options_.scan);
  if (!read.ok()) return read.error();
  switch (read->kind) {
    case loyalty::Scan::Kind::kCard: {
      auto card = sales_.resolve_card(read->token);
      if (!card.ok()) return card.error();
      auto history = sales_.history(*card);
      if (!history.ok()) return history.error();
      return json_response(200, pos::dump_json(json{{"kind", "card"},
                                                    {"token", card->token},
                                                    {"card", pos::card_json(*history, rules_)}}));
    }
    case loyalty::Scan::Kind::kProductBarcode: {
      auto product = ledger_.find_product(read->barcode);
      if (!product.ok()) return product.error();
      if (!*product) return Error::not_found("no product with barcode " + read->barcode);
      return json_response(
          200, pos::dump_json(
                   json{{"kind", "product"}, {"qty", 1}, {"product", product_json(**product)}}));
    }
    case loyalty::Scan::Kind::kText:
      break;
  }
  const std::string code = loyalty::normal_code(read->text);
  if (loyalty::is_coupon_code(code)) {
    auto coupon = pos::find_coupon(ledger_, code);
    if (coupon.ok() && coupon->has_value()) {
      return json_response(200, pos::dump_json(json{{"kind", "code"}, {"code", code}}));
    }
  }
  for (const std::string* text : {&read->text, &read->latin_text}) {
    if (text->empty()) continue;
    auto item = pos::parse_item(*text);
    if (!item.ok()) continue;
    auto product = ledger_.find_product(item->code);
    if (!product.ok()) return product.error();
    if (*product) {
      return json_response(
          200, pos::dump_json(json{
                   {"kind", "product"}, {"qty", item->qty}, {"product", product_json(**product)}}));
    }
  }
  auto item = pos::parse_item(read->text);
  if (!item.ok()) return item.error();
  return Error::not_found("no product \"" + read->text + "\"");
}

Result<HttpResponse> ApiService::recent_sales(const std::string& query) {
  int limit = 20;
  if (!query.empty()) {
    constexpr std::string_view kLimit = "limit=";
    const std::string_view value =
        query.rfind(kLimit, 0) == 0 ? std::string_view(query).substr(kLimit.size()) : "";
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
    if (query.rfind(kLimit, 0) != 0 || ec != std::errc() || end != value.data() + value.size() ||
        limit < 1 || limit > 100) {
      return Error::invalid("the only query parameter is limit, from 1 to 100");
    }
  }
  auto sales = pos::recent_sales(ledger_, limit);
  if (!sales.ok()) return sales.error();
  json list = json::array();
  for (const auto& s : *sales) {
    list.push_back({{"sale_id", s.sale_id},
                    {"at", s.at},
                    {"payment", s.payment},
                    {"total", s.total},
                    {"refunded", s.refunded},
                    {"complete", s.complete},
                    {"card", s.card_token.empty() ? json(nullptr) : json(s.card_token)}});
  }
  return json_response(200, pos::dump_json(json{{"currency", ledger_.terminal().currency.code},
                                                {"sales", std::move(list)}}));
}

Result<HttpResponse> ApiService::show_sale(const std::string& sale_id) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(sale_id.data(), sale_id.data() + sale_id.size(), id);
  if (ec != std::errc() || end != sale_id.data() + sale_id.size() || id < 1) {
    return Error::invalid("\"" + sale_id + "\" is not a sale number");
  }
  auto sale = pos::read_sale(ledger_, id);
  if (!sale.ok()) return sale.error();
  return json_response(200, pos::dump_json(pos::sale_json(*sale, ledger_.terminal(), rules_)));
}

Result<HttpResponse> ApiService::reprint(const std::string& sale_id) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(sale_id.data(), sale_id.data() + sale_id.size(), id);
  if (ec != std::errc() || end != sale_id.data() + sale_id.size() || id < 1) {
    return Error::invalid("\"" + sale_id + "\" is not a sale number");
  }
  auto sale = pos::read_sale(ledger_, id);  // an unknown sale is 404, printer or not
  if (!sale.ok()) return sale.error();
  if (!options_.reprint) return Error::conflict("this terminal has no printer ([printer] type)");
  auto printed = options_.reprint(id);
  if (!printed.ok()) return printed.error();
  return json_response(200, pos::dump_json(json{{"sale_id", id}, {"print", std::move(*printed)}}));
}

HttpResponse ApiService::health() {
  const auto& t = ledger_.terminal();
  return json_response(200, pos::dump_json(json{{"ok", true},
                                                {"terminal_id", t.terminal_id},
                                                {"terminal", t.terminal_name},
                                                {"store", t.store_name},
                                                {"currency", t.currency.code},
                                                {"quotes", quotes_.size()}}));
}

}  // namespace loyalpos::api
