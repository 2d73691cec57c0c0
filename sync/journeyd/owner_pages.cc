#include "sync/journeyd/owner_pages.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string_view>

#include "net/url_form.h"
#include "sync/journeyd/commands.h"
#include "sync/journeyd/pki.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::journeyd {

namespace {

using net::HttpRequest;
using net::HttpResponse;

constexpr std::string_view kSessionCookie = "journeyd_session";
constexpr std::string_view kLoginCookie = "journeyd_login";
constexpr std::string_view kLangCookie = "journeyd_lang";

enum class Lang { kEn, kRu };

// The words of the pages, English then Russian.
struct Words {
  const char* en;
  const char* ru;
  const char* operator()(Lang l) const { return l == Lang::kRu ? ru : en; }
};

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

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }

std::string query_of(const std::string& target) {
  const auto q = target.find('?');
  return q == std::string::npos ? std::string() : target.substr(q + 1);
}

std::optional<std::string> cookie(const HttpRequest& r, std::string_view name) {
  const std::string* header = r.header("cookie");
  return header ? net::cookie_value(*header, name) : std::nullopt;
}

std::string set_cookie(std::string_view name, const std::string& value, std::int64_t max_age) {
  return std::string(name) + "=" + value + "; Path=/owner; Max-Age=" + std::to_string(max_age) +
         "; Secure; HttpOnly; SameSite=Strict";
}

Lang language(const HttpRequest& r, const net::FormFields& query, std::string* remember) {
  if (auto l = net::field(query, "lang"); l && (*l == "en" || *l == "ru")) {
    *remember = *l;
    return *l == "ru" ? Lang::kRu : Lang::kEn;
  }
  if (auto l = cookie(r, kLangCookie)) {
    if (*l == "ru") return Lang::kRu;
    if (*l == "en") return Lang::kEn;
  }
  if (const std::string* accept = r.header("accept-language")) {
    // The first language the browser names.
    std::string first = accept->substr(0, accept->find_first_of(",;"));
    while (!first.empty() && first.front() == ' ') first.erase(0, 1);
    if (first.rfind("ru", 0) == 0) return Lang::kRu;
  }
  return Lang::kEn;
}

HttpResponse html(int status, Lang lang, const std::string& title, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
                         " form-action 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  const char* other = lang == Lang::kRu ? "en" : "ru";
  r.body = std::string("<!doctype html>\n<html lang=\"") + (lang == Lang::kRu ? "ru" : "en") +
           "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width, initial-scale=1\"><title>" +
           escape(title) +
           "</title><style>"
           "body{font-family:DejaVu Sans,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}"
           "header{display:flex;gap:1em;align-items:center;justify-content:space-between;"
           "padding:.6em 1em;background:#2d3e50;color:#fff}header a{color:#fff}"
           "main{padding:1em;max-width:80em;margin:auto}"
           "form.inline{display:inline}label{display:block;margin:.5em 0 .2em}"
           "input,select,button{font-size:1em;padding:.4em}button{cursor:pointer}"
           ".error{color:#a00;font-weight:bold}"
           ".stages{display:grid;grid-template-columns:repeat(auto-fit,minmax(11em,1fr));gap:.6em}"
           ".stage{background:#fff;border:1px solid #ccc;border-radius:6px;padding:.6em}"
           ".stage h2{font-size:1.05em;margin:.1em 0 .4em}.stage.drop{border:2px solid #c0392b}"
           ".flag{color:#c0392b;font-weight:bold}.absent{color:#777}"
           "dl{margin:0}dt{font-size:.8em;color:#555}dd{margin:0 0 .35em;font-size:1.1em}"
           "svg{max-width:100%;height:auto}</style></head><body><header><strong>" +
           escape(kTitle(lang)) + "</strong><a href=\"?lang=" + other + "\">" +
           (lang == Lang::kRu ? "English" : "Русский") + "</a></header><main>" + body +
           "</main></body></html>\n";
  return r;
}

HttpResponse redirect(const std::string& to) {
  HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", to);
  r.body = "See " + to + "\n";
  return r;
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
  HttpResponse r = html(status, lang, kSignIn(lang), body);
  r.headers.emplace_back("Set-Cookie", set_cookie(kLoginCookie, token, 3600));
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
  const int width = 120, gap = 12, height = 160;
  const int total = static_cast<int>(map.stages.size()) * (width + gap);
  std::string svg = "<svg role=\"img\" aria-label=\"" + escape(kEntered(lang)) +
                    "\" viewBox=\"0 0 " + std::to_string(total) + " " +
                    std::to_string(height + 40) + "\" xmlns=\"http://www.w3.org/2000/svg\">";
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

std::string range_form(const JourneyReportOptions& o, const std::vector<std::string>& shops,
                       Lang lang) {
  std::string out = "<form method=\"get\" action=\"/owner/\"><label for=\"shop\">" +
                    escape(kShop(lang)) +
                    "</label><select id=\"shop\" name=\"shop\"><option value=\"\">" +
                    escape(kWholeChain(lang)) + "</option>";
  for (const auto& shop : shops) {
    out += "<option" + std::string(shop == o.shop ? " selected" : "") + ">" + escape(shop) +
           "</option>";
  }
  out += "</select><label for=\"from\">" + escape(kFrom(lang)) +
         "</label><input id=\"from\" name=\"from\" type=\"date\" value=\"" + escape(o.from) +
         "\"><label for=\"to\">" + escape(kTo(lang)) +
         "</label><input id=\"to\" name=\"to\" type=\"date\" value=\"" + escape(o.to) +
         "\"><p><button type=\"submit\">" + escape(kShow(lang)) + "</button></p></form>";
  return out;
}

}  // namespace

bool is_owner_path(const std::string& target) {
  const std::string path = path_of(target);
  return path == "/owner" || path.rfind("/owner/", 0) == 0;
}

HttpResponse OwnerPages::handle(const HttpRequest& request, const std::string& address) {
  const std::string path = path_of(request.target);
  auto query = net::form_fields(query_of(request.target));
  if (!query.ok()) query = net::FormFields{};
  std::string remember;
  const Lang lang = language(request, *query, &remember);
  auto finish = [&](HttpResponse r) {
    if (!remember.empty()) {
      r.headers.emplace_back("Set-Cookie", set_cookie(kLangCookie, remember, 365 * 86400));
    }
    return r;
  };
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";

  if (path == "/owner/login") {
    if (get) return finish(login_page(200, lang, ""));
    if (!post) return finish(html(405, lang, kNotFound(lang), escape(kNotFound(lang))));
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
        return finish(html(500, lang, kSignIn(lang), escape(in.error().message())));
      }
      return finish(
          login_page(throttled ? 429 : 401, lang, throttled ? kTooMany(lang) : kWrong(lang)));
    }
    HttpResponse r = redirect("/owner/");
    r.headers.emplace_back("Set-Cookie",
                           set_cookie(kSessionCookie, in->cookie_secret, kSessionLifetime));
    r.headers.emplace_back("Set-Cookie", set_cookie(kLoginCookie, "", 0));
    return finish(r);
  }

  // Everything else needs a session.
  const auto secret = cookie(request, kSessionCookie);
  auto session =
      secret ? accounts_.session(*secret) : Result<sync::OwnerSession>(Error::not_found(""));
  if (!session.ok()) {
    if (session.error().code() != ErrorCode::kNotFound) {
      return finish(html(503, lang, kTitle(lang), escape(session.error().message())));
    }
    if (get) return finish(redirect("/owner/login"));
    return finish(html(403, lang, kSignIn(lang), escape(kExpiredForm(lang))));
  }
  if (post) {
    auto form = net::form_fields(request.body);
    const auto token = form.ok() ? net::field(*form, "csrf") : std::nullopt;
    if (!token || *token != session->csrf) {
      return finish(html(403, lang, kTitle(lang), escape(kExpiredForm(lang))));
    }
    if (path == "/owner/logout") {
      (void)accounts_.sign_out(*secret);
      HttpResponse r = redirect("/owner/login");
      r.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, "", 0));
      return finish(r);
    }
    return finish(html(404, lang, kNotFound(lang), escape(kNotFound(lang))));
  }
  if (!get) return finish(html(405, lang, kNotFound(lang), escape(kNotFound(lang))));
  if (path != "/owner" && path != "/owner/") {
    return finish(html(404, lang, kNotFound(lang), escape(kNotFound(lang))));
  }

  JourneyReportOptions o;
  o.shop = net::field(*query, "shop").value_or("");
  o.from = net::field(*query, "from").value_or("");
  o.to = net::field(*query, "to").value_or("");
  o.now = now_();
  if (o.from.empty() && o.to.empty())
    o.from = reports::utc_day(o.now - 27 * reports::kSecondsPerDay);
  auto shops = store_.store_names();
  std::string body =
      "<form class=\"inline\" method=\"post\" action=\"/owner/logout\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"" +
      escape(session->csrf) + "\"><button type=\"submit\">" + escape(kSignOut(lang)) +
      "</button></form> " + escape(session->owner) + "<h1>" + escape(kJourneyMap(lang)) + "</h1>" +
      range_form(o, shops.ok() ? *shops : std::vector<std::string>{}, lang);
  auto range = journey_range(o);
  Status checked = range.ok() ? check_shop(store_, o.shop) : Status(range.error());
  if (!checked.ok()) {
    const int status = checked.error().code() == ErrorCode::kInvalidInput ? 400 : 503;
    return finish(html(
        status, lang, kJourneyMap(lang),
        body + "<p class=\"error\" role=\"alert\">" + escape(checked.error().message()) + "</p>"));
  }
  std::ostringstream ignored;
  range->lapsed_after_days = lapsed_after_days(store_, ignored);
  auto map = reports::journey_map(store_, *range);
  if (!map.ok()) {
    return finish(html(503, lang, kJourneyMap(lang),
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
  return finish(html(200, lang, kJourneyMap(lang), body));
}

}  // namespace loyalpos::journeyd
