#include "sync/journeyd/card_page.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "loyalty/card_token.h"
#include "loyalty/messages.h"
#include "loyalty/points.h"
#include "pos/config/config.h"
#include "sync/journeyd/html_page.h"
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
    } else if (e.type == "sale.refunded" && e.sale_id) {
      const auto p = nlohmann::json::parse(e.payload, nullptr, false);
      if (p.is_object() && p.value("complete", false)) refunded.insert({e.terminal_id, *e.sale_id});
    }
  }
  for (const auto& sale : sales) summary.visits += refunded.count(sale) ? 0 : 1;
  std::set<std::string> shops;
  for (const auto& t : terminals) shops.insert(shop_of(t));
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

HttpResponse CardPages::handle(const HttpRequest& request, const std::string& address) {
  auto query = net::form_fields(query_of(request.target));
  if (!query.ok()) query = net::FormFields{};
  std::string remember;
  const Lang lang = language(request, *query, &remember);
  auto finish = [&](HttpResponse r) {
    if (!remember.empty()) r.headers.emplace_back("Set-Cookie", remember_language(remember));
    return r;
  };
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = page(405, lang, kHeading(lang), kHeading(lang), "");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return finish(r);
  }
  const std::int64_t now = now_();
  if (lookups_.wait(address, now) > 0) {
    HttpResponse r = page(429, lang, kHeading(lang), kTooMany(lang),
                          "<p class=\"error\" role=\"alert\">" + escape(kTooMany(lang)) + "</p>");
    r.headers.emplace_back("Retry-After", std::to_string(lookups_.wait(address, now)));
    return finish(r);
  }
  lookups_.count(address, now);

  std::string token = path_of(request.target).substr(3);
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

  const CardSummary card = summarize_card(*events, [&](const std::string& terminal) {
    auto [it, fresh] = shops_.try_emplace(terminal, "");
    if (fresh) {
      auto t = store_.find_terminal(terminal);
      it->second = t.ok() ? t->store_name : "";
    }
    return it->second;
  });
  const loyalty::Rules& r = rules();
  const loyalty::Language words =
      lang == Lang::kRu ? loyalty::Language::kRussian : loyalty::Language::kEnglish;
  std::string body = "<h1>" + escape(loyalty::group_token(token)) + "</h1>";
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
  for (const auto& shop : card.shops) {
    if (!shop.empty()) shops += "<li>" + escape(shop) + "</li>";
  }
  if (!shops.empty())
    body += "<dt>" + escape(kShops(lang)) + "</dt><dd><ul>" + shops + "</ul></dd>";
  body += "</dl>";
  return finish(page(200, lang, kHeading(lang), kHeading(lang), body));
}

}  // namespace loyalpos::journeyd
