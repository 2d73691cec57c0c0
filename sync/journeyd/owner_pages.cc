#include "sync/journeyd/owner_pages.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "net/url_form.h"
#include "sync/journeyd/commands.h"
#include "sync/journeyd/html_page.h"
#include "sync/journeyd/named_reports.h"
#include "sync/journeyd/pki.h"
#include "sync/journeyd/report_scope.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::journeyd {

namespace {

using net::HttpRequest;
using net::HttpResponse;
using namespace html;

constexpr std::string_view kSessionCookie = "journeyd_session";
constexpr std::string_view kLoginCookie = "journeyd_login";

constexpr Words kTitle{"Head office", "Головной офис"};
constexpr Words kSignIn{"Sign in", "Войти"};
constexpr Words kName{"Name", "Имя"};
constexpr Words kPassword{"Password", "Пароль"};
constexpr Words kSignOut{"Sign out", "Выйти"};
constexpr Words kJourneyMap{"Customer journey map", "Карта пути клиента"};
constexpr Words kShop{"Shop", "Магазин"};
constexpr Words kWholeChain{"whole chain", "вся сеть"};
constexpr Words kFrom{"From", "С"};
constexpr Words kTo{"To", "По"};
constexpr Words kShow{"Show", "Показать"};
constexpr Words kNow{"cards now", "карт сейчас"};
constexpr Words kEntered{"reached it in the range", "пришли за период"};
constexpr Words kConversion{"from the stage before", "из прошлого этапа"};
constexpr Words kMedianDays{"median days", "медиана дней"};
constexpr Words kDropped{"dropped off here", "ушли на этом этапе"};
constexpr Words kTouchpoints{"touchpoints", "точки контакта"};
constexpr Words kFeedback{"feedback", "отзывы"};
constexpr Words kNotMeasured{"not measured", "не измеряется"};
constexpr Words kBiggestDrop{"biggest drop-off", "больше всего уходят"};
constexpr Words kWrong{"Wrong name or password.", "Неверное имя или пароль."};
constexpr Words kTooMany{"Too many wrong passwords. Try again later.",
                         "Слишком много неверных паролей. Попробуйте позже."};
constexpr Words kExpiredForm{"The form expired. Please sign in again.",
                             "Форма устарела. Войдите ещё раз."};
constexpr Words kNotFound{"No such page.", "Такой страницы нет."};
constexpr Words kLapsed{"lapsed now", "ушедших сейчас"};
constexpr Words kCameBack{"came back", "вернулись"};
constexpr Words kTimeZone{"Time zone of the promotions' hours", "Часовой пояс акций"};
constexpr Words kDownload{"Download", "Скачать"};

// The reports' titles, in kReportNames' order.
constexpr Words kReportTitles[] = {
    {"Journey map", "Карта пути"}, {"Cohorts", "Когорты"},  {"Lifecycle", "Жизненный цикл"},
    {"Stamp programs", "Штампы"},  {"Promotions", "Акции"}, {"Touchpoints", "Точки контакта"},
};

const Words& report_title(std::string_view name) {
  for (std::size_t i = 0; i < kReportNames.size(); ++i) {
    if (kReportNames[i] == name) return kReportTitles[i];
  }
  return kReportTitles[0];
}

// Where a report's page is: the journey map is the dashboard's home.
std::string report_path(std::string_view name) {
  return name == "journey" ? "/owner/" : "/owner/reports/" + std::string(name);
}

const char* stage_name(std::string_view stage, Lang l) {
  struct Stage {
    std::string_view id;
    Words words;
  };
  static constexpr Stage kStages[] = {
      {"awareness", {"Awareness", "Осведомлённость"}},
      {"interest", {"Interest", "Интерес"}},
      {"consideration", {"Consideration", "Рассмотрение"}},
      {"purchase", {"Purchase", "Покупка"}},
      {"retention", {"Retention", "Удержание"}},
      {"loyalty", {"Loyalty", "Лояльность"}},
  };
  for (const auto& s : kStages) {
    if (s.id == stage) return s.words(l);
  }
  return "?";
}

HttpResponse login_page(int status, Lang lang, const std::string& message) {
  const std::string token = random_hex(16);
  std::string body = "<h1>" + escape(kSignIn(lang)) + "</h1>";
  if (!message.empty()) body += "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>";
  body +=
      "<form method=\"post\" action=\"/owner/login\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"" +
      token +
      "\">"
      "<label for=\"name\">" +
      escape(kName(lang)) +
      "</label><input id=\"name\" name=\"name\" autocomplete=\"username\" required>"
      "<label for=\"password\">" +
      escape(kPassword(lang)) +
      "</label><input id=\"password\" name=\"password\" type=\"password\" "
      "autocomplete=\"current-password\" required>"
      "<p><button type=\"submit\">" +
      escape(kSignIn(lang)) + "</button></p></form>";
  HttpResponse r = page(status, lang, kTitle(lang), kSignIn(lang), body);
  r.headers.emplace_back("Set-Cookie", set_cookie(kLoginCookie, token, "/owner", 3600));
  return r;
}

std::string percent(double share) {
  return std::to_string(static_cast<int>(std::lround(share * 100))) + "%";
}

std::string one_decimal(double v) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << v;
  return out.str();
}

// Cards that reached each stage in the range, as bars.
std::string entered_chart(const reports::JourneyMap& map, Lang lang) {
  std::int64_t most = 1;
  for (const auto& s : map.stages) most = std::max(most, s.entered);
  // `top`: room above the tallest bar for its number.
  const int width = 120, gap = 12, height = 160, top = 20;
  const int total = static_cast<int>(map.stages.size()) * (width + gap);
  // Its natural size (a laptop shows it as drawn; a phone shrinks it).
  std::string svg = "<svg role=\"img\" aria-label=\"" + escape(kEntered(lang)) + "\" width=\"" +
                    std::to_string(total) + "\" height=\"" + std::to_string(top + height + 40) +
                    "\" viewBox=\"0 " + std::to_string(-top) + " " + std::to_string(total) + " " +
                    std::to_string(top + height + 40) + "\" xmlns=\"http://www.w3.org/2000/svg\">";
  int x = 0;
  for (const auto& s : map.stages) {
    const int bar = static_cast<int>(s.entered * height / most);
    svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(height - bar) +
           "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(bar) +
           "\" fill=\"" + (s.absent.empty() ? "#3b7dd8" : "#ccc") + "\"/>";
    svg += "<text x=\"" + std::to_string(x + width / 2) + "\" y=\"" +
           std::to_string(height - bar - 4) + "\" text-anchor=\"middle\" font-size=\"14\">" +
           (s.absent.empty() ? std::to_string(s.entered) : "—") + "</text>";
    svg += "<text x=\"" + std::to_string(x + width / 2) + "\" y=\"" + std::to_string(height + 18) +
           "\" text-anchor=\"middle\" font-size=\"13\">" + escape(stage_name(s.stage, lang)) +
           "</text>";
    x += width + gap;
  }
  return svg + "</svg>";
}

std::string stage_card(const reports::StageRow& s, bool biggest_drop, Lang lang) {
  std::string out = std::string("<section class=\"stage") + (biggest_drop ? " drop" : "") +
                    "\"><h2>" + escape(stage_name(s.stage, lang)) + "</h2>";
  if (!s.absent.empty()) {
    return out + "<p class=\"absent\">" + escape(kNotMeasured(lang)) + ": " + escape(s.absent) +
           "</p></section>";
  }
  if (biggest_drop) out += "<p class=\"flag\">▼ " + escape(kBiggestDrop(lang)) + "</p>";
  auto item = [&](const Words& w, const std::string& value) {
    out += "<dt>" + escape(w(lang)) + "</dt><dd>" + value + "</dd>";
  };
  out += "<dl>";
  item(kNow, std::to_string(s.now));
  item(kEntered, std::to_string(s.entered));
  item(kConversion, s.conversion ? percent(*s.conversion) : "—");
  item(kMedianDays, s.median_days ? one_decimal(*s.median_days) : "—");
  item(kDropped, std::to_string(s.dropped));
  std::string touchpoints;
  for (const auto& t : s.touchpoints) {
    touchpoints += "<li>" + escape(t.name) + ": " + std::to_string(t.cards) + "</li>";
  }
  item(kTouchpoints, touchpoints.empty() ? "—" : "<ul>" + touchpoints + "</ul>");
  item(kFeedback, s.feedback_stars ? one_decimal(*s.feedback_stars) + " ★" : "—");
  return out + "</dl></section>";
}

std::string range_form(std::string_view report, const JourneyReportOptions& o,
                       const std::vector<std::string>& shops, Lang lang) {
  std::string out = "<form method=\"get\" action=\"" + report_path(report) +
                    "\"><label for=\"shop\">" + escape(kShop(lang)) +
                    "</label><select id=\"shop\" name=\"shop\"><option value=\"\">" +
                    escape(kWholeChain(lang)) + "</option>";
  for (const auto& shop : shops) {
    out += "<option" + std::string(shop == o.shop ? " selected" : "") + ">" + escape(shop) +
           "</option>";
  }
  out += "</select><label for=\"from\">" + escape(kFrom(lang)) +
         "</label><input id=\"from\" name=\"from\" type=\"date\" value=\"" + escape(o.from) +
         "\"><label for=\"to\">" + escape(kTo(lang)) +
         "</label><input id=\"to\" name=\"to\" type=\"date\" value=\"" + escape(o.to) + "\">";
  if (report == "promotions") {
    out += "<label for=\"tz\">" + escape(kTimeZone(lang)) +
           "</label><input id=\"tz\" name=\"tz\" placeholder=\"Europe/Moscow\" value=\"" +
           escape(o.time_zone) + "\">";
  }
  return out + "<p><button type=\"submit\">" + escape(kShow(lang)) + "</button></p></form>";
}

// The report's query (shop, from, to, tz) as a URL's, for links.
std::string scope_query(const JourneyReportOptions& o) {
  std::string q = "shop=" + net::url_encode(o.shop) + "&from=" + net::url_encode(o.from) +
                  "&to=" + net::url_encode(o.to);
  if (!o.time_zone.empty()) q += "&tz=" + net::url_encode(o.time_zone);
  return q;
}

std::string nav(std::string_view current, const JourneyReportOptions& o, Lang lang) {
  std::string out = "<nav aria-label=\"reports\"><p>";
  for (const auto name : kReportNames) {
    const std::string title = escape(report_title(name)(lang));
    out += name == current ? "<strong>" + title + "</strong> · "
                           : "<a href=\"" + report_path(name) + "?" + escape(scope_query(o)) +
                                 "\">" + title + "</a> · ";
  }
  out.resize(out.size() - 3);
  return out + "</p></nav>";
}

HttpResponse api_error(int status, std::string code, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace

bool is_owner_path(const std::string& target) {
  const std::string path = path_of(target);
  return path == "/owner" || path.rfind("/owner/", 0) == 0;
}

HttpResponse OwnerPages::handle(const HttpRequest& request, const std::string& address) {
  const std::string path = path_of(request.target);
  const PageContext context(request);
  const Lang lang = context.lang;
  const net::FormFields& query_fields = context.query;
  auto finish = [&](HttpResponse r) { return context.finish(std::move(r)); };
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";

  if (path == "/owner/login") {
    if (get) return finish(login_page(200, lang, ""));
    if (!post)
      return finish(page(405, lang, kTitle(lang), kNotFound(lang), escape(kNotFound(lang))));
    auto form = net::form_fields(request.body);
    const auto token = form.ok() ? net::field(*form, "csrf") : std::nullopt;
    const auto expected = cookie(request, kLoginCookie);
    if (!token || !expected || token->size() != 32 || *token != *expected) {
      return finish(login_page(403, lang, kExpiredForm(lang)));
    }
    auto in = accounts_.sign_in(net::field(*form, "name").value_or(""),
                                net::field(*form, "password").value_or(""), address);
    if (!in.ok()) {
      const bool throttled = in.error().code() == ErrorCode::kUnavailable;
      if (!throttled && in.error().code() != ErrorCode::kInvalidInput) {
        return finish(page(500, lang, kTitle(lang), kSignIn(lang), escape(in.error().message())));
      }
      return finish(
          login_page(throttled ? 429 : 401, lang, throttled ? kTooMany(lang) : kWrong(lang)));
    }
    HttpResponse r = redirect("/owner/");
    r.headers.emplace_back(
        "Set-Cookie", set_cookie(kSessionCookie, in->cookie_secret, "/owner", kSessionLifetime));
    r.headers.emplace_back("Set-Cookie", set_cookie(kLoginCookie, "", "/owner", 0));
    return finish(r);
  }

  // Everything else needs a session.
  const auto secret = cookie(request, kSessionCookie);
  auto session =
      secret ? accounts_.session(*secret) : Result<sync::OwnerSession>(Error::not_found(""));
  const bool api = path.rfind("/owner/api/", 0) == 0;
  if (!session.ok() && api) {
    return session.error().code() == ErrorCode::kNotFound
               ? api_error(401, "unauthorized", "sign in at /owner/login first")
               : api_error(503, "unavailable", session.error().message());
  }
  if (!session.ok()) {
    if (session.error().code() != ErrorCode::kNotFound) {
      return finish(page(503, lang, kTitle(lang), kTitle(lang), escape(session.error().message())));
    }
    if (get) return finish(redirect("/owner/login"));
    return finish(page(403, lang, kTitle(lang), kSignIn(lang), escape(kExpiredForm(lang))));
  }
  if (post) {
    auto form = net::form_fields(request.body);
    const auto token = form.ok() ? net::field(*form, "csrf") : std::nullopt;
    if (!token || *token != session->csrf) {
      return finish(page(403, lang, kTitle(lang), kTitle(lang), escape(kExpiredForm(lang))));
    }
    if (path == "/owner/logout") {
      (void)accounts_.sign_out(*secret);
      HttpResponse r = redirect("/owner/login");
      r.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, "", "/owner", 0));
      return finish(r);
    }
    return finish(page(404, lang, kTitle(lang), kNotFound(lang), escape(kNotFound(lang))));
  }
  if (!get) return finish(page(405, lang, kTitle(lang), kNotFound(lang), escape(kNotFound(lang))));
  std::string report;
  if (path == "/owner" || path == "/owner/") {
    report = "journey";
  } else if (path.rfind("/owner/reports/", 0) == 0) {
    report = path.substr(15);
  } else if (api) {
    report = path.rfind("/owner/api/reports/", 0) == 0 ? path.substr(19) : "";
  }
  if (!is_report_name(report)) {
    if (api) return api_error(404, "not_found", "no such report: " + path);
    return finish(page(404, lang, kTitle(lang), kNotFound(lang), escape(kNotFound(lang))));
  }

  // The scope every report page and the API read: ?shop=&from=&to=&tz=.
  JourneyReportOptions o;
  o.shop = net::field(query_fields, "shop").value_or("");
  o.from = net::field(query_fields, "from").value_or("");
  o.to = net::field(query_fields, "to").value_or("");
  o.time_zone = net::field(query_fields, "tz").value_or("");
  o.now = now_();
  if (o.from.empty() && o.to.empty()) {
    o.from = reports::utc_day(o.now - 27 * reports::kSecondsPerDay);
  }
  auto zone = report_zone(o.time_zone, "tz");
  auto range = zone.ok() ? range_of(o) : Result<reports::ReportRange>(zone.error());
  Status checked = range.ok() ? check_shop(store_, o.shop) : Status(range.error());
  std::optional<loyalty::Rules> rules;
  if (checked.ok()) {
    std::ostringstream ignored;
    rules = published_rules(store_, ignored);
    range->lapsed_after_days =
        rules ? rules->journey.lapsed_after_days : loyalty::JourneySettings{}.lapsed_after_days;
  }

  if (api) {
    if (!checked.ok()) {
      const bool bad = checked.error().code() == ErrorCode::kInvalidInput;
      return api_error(bad ? 400 : 503, bad ? "invalid_input" : "unavailable",
                       checked.error().message());
    }
    const bool csv = net::field(query_fields, "format").value_or("json") == "csv";
    auto text = run_report(report, store_, {*range, rules, *zone},
                           csv ? ReportFormat::kCsv : ReportFormat::kJson);
    if (!text.ok()) return api_error(503, "unavailable", text.error().message());
    HttpResponse r;
    r.content_type = csv ? "text/csv; charset=utf-8" : "application/json";
    r.body = std::move(*text);
    return r;
  }

  const std::string title = report_title(report)(lang);
  auto shops = store_.store_names();
  std::string body =
      "<form class=\"inline\" method=\"post\" action=\"/owner/logout\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"" +
      escape(session->csrf) + "\"><button type=\"submit\">" + escape(kSignOut(lang)) +
      "</button></form> " + escape(session->owner) + nav(report, o, lang) + "<h1>" +
      escape(report == "journey" ? kJourneyMap(lang) : title.c_str()) + "</h1>" +
      range_form(report, o, shops.ok() ? *shops : std::vector<std::string>{}, lang);
  if (!checked.ok()) {
    const int status = checked.error().code() == ErrorCode::kInvalidInput ? 400 : 503;
    return finish(page(
        status, lang, kTitle(lang), title,
        body + "<p class=\"error\" role=\"alert\">" + escape(checked.error().message()) + "</p>"));
  }
  const std::string api_link = "/owner/api/reports/" + report + "?" + scope_query(o);
  body += "<p>" + escape(kDownload(lang)) + ": <a href=\"" + escape(api_link) +
          "\">JSON</a> · <a href=\"" + escape(api_link + "&format=csv") + "\">CSV</a></p>";
  if (report != "journey") {
    auto text = run_report(report, store_, {*range, rules, *zone}, ReportFormat::kText);
    if (!text.ok()) {
      return finish(page(503, lang, kTitle(lang), title,
                         body + "<p class=\"error\">" + escape(text.error().message()) + "</p>"));
    }
    return finish(page(200, lang, kTitle(lang), title, body + "<pre>" + escape(*text) + "</pre>"));
  }
  auto map = reports::journey_map(store_, *range);
  if (!map.ok()) {
    return finish(page(503, lang, kTitle(lang), kJourneyMap(lang),
                       body + "<p class=\"error\">" + escape(map.error().message()) + "</p>"));
  }
  const reports::StageRow* drop = nullptr;
  for (const auto& s : map->stages) {
    if (s.absent.empty() && s.dropped > 0 && (drop == nullptr || s.dropped > drop->dropped)) {
      drop = &s;
    }
  }
  body += "<p>" + escape(o.shop.empty() ? kWholeChain(lang) : o.shop) + " · " +
          escape(range->from == 0 ? std::string("…") : reports::utc_day(range->from)) + " – " +
          escape(reports::utc_day(range->until - 1)) + " · " + escape(kLapsed(lang)) + ": " +
          std::to_string(map->lapsed_now) + " · " + escape(kCameBack(lang)) + ": " +
          std::to_string(map->came_back) + "</p>";
  body += entered_chart(*map, lang) + "<div class=\"stages\">";
  for (const auto& s : map->stages) body += stage_card(s, &s == drop, lang);
  body += "</div>";
  return finish(page(200, lang, kTitle(lang), kJourneyMap(lang), body));
}

}  // namespace loyalpos::journeyd
