#include "sync/journeyd/card_page.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "base/utf8.h"
#include "loyalty/card_token.h"
#include "loyalty/messages.h"
#include "loyalty/points.h"
#include "pos/config/config.h"
#include "pos/ledger/json_text.h"
#include "sync/journeyd/html_page.h"
#include "sync/journeyd/pki.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::journeyd {

namespace {

using namespace html;
using net::HttpRequest;
using net::HttpResponse;

constexpr Words kHeading{"Loyalty card", "Карта лояльности"};
constexpr Words kNotFound{"Card not found.", "Карта не найдена."};
constexpr Words kTooMany{"Too many lookups. Try again in a minute.",
                         "Слишком много запросов. Попробуйте через минуту."};
constexpr Words kVisits{"Visits", "Визиты"};
constexpr Words kLastVisit{"Last visit", "Последний визит"};
constexpr Words kShops{"Shops", "Магазины"};
constexpr Words kRewardsReady{"rewards ready", "наград готово"};
constexpr Words kStamps{"stamps", "штампов"};
constexpr Words kHowWasIt{"How was your visit?", "Как прошёл ваш визит?"};
constexpr Words kComment{"Comment (optional)", "Комментарий (необязательно)"};
constexpr Words kSend{"Send", "Отправить"};
constexpr Words kThanks{"Thank you for your feedback!", "Спасибо за отзыв!"};
constexpr Words kBadFeedback{"Choose 1 to 5 stars; a comment of at most 500 characters.",
                             "Выберите от 1 до 5 звёзд; комментарий не длиннее 500 знаков."};
constexpr Words kVisitFirst{"Feedback opens after your first visit.",
                            "Отзыв можно оставить после первого визита."};
constexpr Words kFormExpired{"The form expired. Please send it again.",
                             "Форма устарела. Отправьте ещё раз."};
constexpr std::string_view kFormCookie = "journeyd_card";

std::int64_t number(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

template <typename Program>
const Program* find_program(const std::vector<Program>& programs, const std::string& id) {
  for (const auto& p : programs) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::string card_id_of(const std::string& token) {
  auto id = loyalty::parse_token(token);
  return id.ok() ? loyalty::card_id_hex(*id) : std::string();
}

HttpResponse not_found(Lang lang) {
  return page(404, lang, kHeading(lang), kNotFound(lang),
              "<h1>" + escape(kNotFound(lang)) + "</h1>");
}

}  // namespace

CardSummary summarize_card(const std::vector<sync::WireEvent>& events,
                           const std::function<std::string(const std::string&)>& shop_of) {
  CardSummary summary;
  std::set<std::string> terminals;
  std::set<std::pair<std::string, std::int64_t>> sales, refunded;
  for (const auto& e : events) {
    terminals.insert(e.terminal_id);
    if (e.type == "card.stamps") {
      const auto p = nlohmann::json::parse(e.payload, nullptr, false);
      if (!p.is_object() || !p.contains("program") || !p["program"].is_string()) continue;
      const std::string id = p["program"];
      auto it = std::find_if(summary.programs.begin(), summary.programs.end(),
                             [&](const auto& program) { return program.id == id; });
      if (it == summary.programs.end()) {
        summary.programs.push_back({id, 0, 0});
        it = summary.programs.end() - 1;
      }
      it->stamps += number(p, "stamps");
      it->rewards += number(p, "rewards");
    } else if (e.type == "sale.completed" && e.sale_id) {
      sales.insert({e.terminal_id, *e.sale_id});
      summary.last_visit = std::max(summary.last_visit.value_or(e.at), e.at);
      summary.last_terminal = e.terminal_id;
      summary.last_sale_id = *e.sale_id;
    } else if (e.type == "sale.refunded" && e.sale_id) {
      const auto p = nlohmann::json::parse(e.payload, nullptr, false);
      if (p.is_object() && p.value("complete", false)) refunded.insert({e.terminal_id, *e.sale_id});
    }
  }
  for (const auto& sale : sales) summary.visits += refunded.count(sale) ? 0 : 1;
  std::set<std::string> shops;
  for (const auto& t : terminals) {
    if (auto shop = shop_of(t); !shop.empty()) shops.insert(std::move(shop));
  }
  summary.shops.assign(shops.begin(), shops.end());
  return summary;
}

bool is_card_path(const std::string& target) { return path_of(target).rfind("/C/", 0) == 0; }

const loyalty::Rules& CardPages::rules() {
  auto latest = store_.latest("rules", rules_version_ < 0 ? 0 : rules_version_);
  if (latest.ok() && *latest) {
    auto parsed = pos::parse_published_rules((*latest)->bytes, "published rules",
                                             pos::kDefaultCurrency, loyalty::Language{});
    rules_version_ = (*latest)->version;
    if (parsed.ok()) rules_ = std::move(*parsed);
  }
  if (!rules_) {
    auto shipped = pos::parse_config(pos::default_config_text(), "the shipped config");
    rules_ = shipped.ok() ? shipped->rules : loyalty::Rules{};
  }
  return *rules_;
}

std::string CardPages::shop_of(const std::string& terminal) {
  auto [it, fresh] = shops_.try_emplace(terminal, "");
  if (fresh) {
    auto t = store_.find_terminal(terminal);
    // Head office's own chain (feedback) is no shop the card was used in.
    it->second = t.ok() && t->credential_hash != kHeadOfficeRow ? t->store_name : "";
  }
  return it->second;
}

HttpResponse CardPages::handle(const HttpRequest& request, const std::string& address) {
  const PageContext context(request);
  const Lang lang = context.lang;
  const net::FormFields& query_fields = context.query;
  auto finish = [&](HttpResponse r) { return context.finish(std::move(r)); };
  std::string rest = path_of(request.target).substr(3);  // after "/C/"
  bool to_feedback = false;
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    to_feedback = rest.substr(slash) == "/feedback";
    if (!to_feedback) return finish(not_found(lang));
    rest.resize(slash);
  }
  const bool post = request.method == "POST";
  if (post != to_feedback || (!post && request.method != "GET" && request.method != "HEAD")) {
    HttpResponse r = page(405, lang, kHeading(lang), kHeading(lang), "");
    r.headers.emplace_back("Allow", to_feedback ? "POST" : "GET, HEAD");
    return finish(r);
  }
  const std::int64_t now = now_();
  if (const std::int64_t wait = lookups_.wait(address, now); wait > 0) {
    HttpResponse r = page(429, lang, kHeading(lang), kTooMany(lang),
                          "<p class=\"error\" role=\"alert\">" + escape(kTooMany(lang)) + "</p>");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return finish(r);
  }
  lookups_.count(address, now);

  std::string token = rest;
  std::transform(token.begin(), token.end(), token.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto id = loyalty::parse_token(token);
  if (!id.ok()) return finish(not_found(lang));
  auto events = store_.card_events(loyalty::card_id_hex(*id), kMaxCardEvents);
  if (!events.ok()) {
    return finish(page(503, lang, kHeading(lang), kHeading(lang),
                       "<p class=\"error\">" + escape(events.error().message()) + "</p>"));
  }
  if (events->empty()) return finish(not_found(lang));
  const CardSummary card =
      summarize_card(*events, [this](const std::string& t) { return shop_of(t); });
  if (post) return finish(feedback(request, token, card, lang));

  const loyalty::Rules& r = rules();
  const loyalty::Language words =
      lang == Lang::kRu ? loyalty::Language::kRussian : loyalty::Language::kEnglish;
  std::string body = "<h1>" + escape(loyalty::group_token(token)) + "</h1>";
  if (net::field(query_fields, "thanks")) {
    body += "<p class=\"flag\" role=\"status\">" + escape(kThanks(lang)) + "</p>";
  }
  for (const auto& program : card.programs) {
    const loyalty::ProgramBalance balance{program.id, program.stamps, program.rewards, 0};
    std::string title = program.id, progress;
    std::int64_t of = 0;
    if (const auto* stamp = find_program(r.stamp_programs, program.id)) {
      title = stamp->name;
      progress = loyalty::progress_text(*stamp, balance, words);
      of = stamp->every;
    } else if (const auto* points = find_program(r.points_programs, program.id)) {
      title = points->name;
      progress = loyalty::points_progress_text(*points, balance, words);
      of = points->threshold;
    } else {
      progress = std::to_string(program.stamps) + " " + kStamps(lang);
    }
    body +=
        "<section class=\"stage\"><h2>" + escape(title) + "</h2><p>" + escape(progress) + "</p>";
    if (of > 0) {
      body += "<progress max=\"" + std::to_string(of) + "\" value=\"" +
              std::to_string(std::clamp<std::int64_t>(program.stamps, 0, of)) + "\">" +
              std::to_string(program.stamps) + "/" + std::to_string(of) + "</progress>";
    }
    if (program.rewards > 0) {
      body += "<p class=\"flag\">" + std::to_string(program.rewards) + " " +
              escape(kRewardsReady(lang)) + "</p>";
    }
    body += "</section>";
  }
  body += "<dl><dt>" + escape(kVisits(lang)) + "</dt><dd>" + std::to_string(card.visits) + "</dd>";
  if (card.last_visit) {
    body += "<dt>" + escape(kLastVisit(lang)) + "</dt><dd>" + reports::utc_day(*card.last_visit) +
            "</dd>";
  }
  std::string shops;
  for (const auto& shop : card.shops) shops += "<li>" + escape(shop) + "</li>";
  if (!shops.empty())
    body += "<dt>" + escape(kShops(lang)) + "</dt><dd><ul>" + shops + "</ul></dd>";
  body += "</dl>";
  HttpResponse response;
  if (card.last_visit) {
    const std::string form_token = random_hex(16);
    body += "<form method=\"post\" action=\"/C/" + escape(token) +
            "/feedback\"><input type=\"hidden\" name=\"csrf\" value=\"" + form_token +
            "\"><fieldset><legend>" + escape(kHowWasIt(lang)) + "</legend>";
    for (int stars = 1; stars <= 5; ++stars) {
      const std::string n = std::to_string(stars);
      body += "<input type=\"radio\" id=\"stars" + n + "\" name=\"stars\" value=\"" + n +
              "\" required><label for=\"stars" + n + "\" style=\"display:inline\">" + n + " ★" +
              "</label> ";
    }
    body += "</fieldset><label for=\"comment\">" + escape(kComment(lang)) +
            "</label><textarea id=\"comment\" name=\"comment\" maxlength=\"500\" rows=\"3\" "
            "cols=\"30\"></textarea><p><button type=\"submit\">" +
            escape(kSend(lang)) + "</button></p></form>";
    response = page(200, lang, kHeading(lang), kHeading(lang), body);
    response.headers.emplace_back("Set-Cookie", set_cookie(kFormCookie, form_token, "/C/", 3600));
  } else {
    response = page(200, lang, kHeading(lang), kHeading(lang), body);
  }
  return finish(response);
}

HttpResponse CardPages::feedback(const HttpRequest& request, const std::string& token,
                                 const CardSummary& card, Lang lang) {
  auto refused = [&](int status, const Words& why) {
    return page(status, lang, kHeading(lang), kHeading(lang),
                "<p class=\"error\" role=\"alert\">" + escape(why(lang)) + "</p><p><a href=\"/C/" +
                    escape(token) + "\">" + escape(loyalty::group_token(token)) + "</a></p>");
  };
  auto form = net::form_fields(request.body);
  const auto csrf = form.ok() ? net::field(*form, "csrf") : std::nullopt;
  const auto expected = cookie(request, kFormCookie);
  if (!csrf || !expected || csrf->size() != 32 || *csrf != *expected) {
    return refused(403, kFormExpired);
  }
  if (!card.last_visit) return refused(409, kVisitFirst);
  const std::string stars = net::field(*form, "stars").value_or("");
  const std::string comment = net::field(*form, "comment").value_or("");
  if (stars.size() != 1 || stars[0] < '1' || stars[0] > '5' || comment.size() > kMaxComment ||
      !is_valid_utf8(comment)) {
    return refused(400, kBadFeedback);
  }
  pos::NewEvent e;
  e.type = "card.feedback";
  e.at = now_();
  e.card_id = card_id_of(token);
  e.sale_id = card.last_sale_id;
  e.payload = pos::JsonObject()
                  .text("card", *e.card_id)
                  .text("comment", comment)
                  .number("sale", card.last_sale_id)
                  .text("shop", shop_of(card.last_terminal))
                  .number("stars", stars[0] - '0')
                  .text("terminal", card.last_terminal)
                  .done();
  auto appended = chain_.append(e);
  if (!appended.ok()) {
    return page(503, lang, kHeading(lang), kHeading(lang),
                "<p class=\"error\">" + escape(appended.error().message()) + "</p>");
  }
  HttpResponse r = redirect("/C/" + token + "?thanks=1");
  r.headers.emplace_back("Set-Cookie", set_cookie(kFormCookie, "", "/C/", 0));
  return r;
}

}  // namespace loyalpos::journeyd
