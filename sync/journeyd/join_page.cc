#include "sync/journeyd/join_page.h"

#include <algorithm>

#include "base/utf8.h"
#include "loyalty/card_token.h"
#include "loyalty/scan_input.h"
#include "pos/ledger/json_text.h"
#include "sync/journeyd/html_page.h"
#include "sync/journeyd/pki.h"
#include "sync/journeyd/qr_svg.h"

namespace loyalpos::journeyd {

namespace {

using namespace html;
using net::HttpRequest;
using net::HttpResponse;

constexpr std::string_view kFormCookie = "journeyd_join";

constexpr Words kHeading{"Loyalty card", "Карта лояльности"};
constexpr Words kJoin{"Get a loyalty card", "Получить карту лояльности"};
constexpr Words kJoinWhy{"Collect stamps on every visit: every fifth pastry is free.",
                         "Собирайте штампы за каждый визит: каждая пятая выпечка бесплатно."};
constexpr Words kEmail{"E-mail (optional)", "E-mail (необязательно)"};
constexpr Words kConsent{"Send me offers by e-mail. I can withdraw this at any time.",
                         "Присылайте мне предложения по e-mail. Я могу отказаться в любой момент."};
constexpr Words kGetCard{"Get my card", "Получить карту"};
constexpr Words kYourCard{"Your card", "Ваша карта"};
constexpr Words kSaveIt{"Save or screenshot this page, and show the code at the counter.",
                        "Сохраните страницу или сделайте снимок экрана и покажите код на кассе."};
constexpr Words kOpenCard{"Open my card", "Открыть мою карту"};
constexpr Words kBadLink{"This join link is not valid.", "Эта ссылка недействительна."};
constexpr Words kBadEmail{"This e-mail address does not look right.",
                          "Этот адрес e-mail выглядит неверно."};
constexpr Words kNeedConsent{"Tick the box to get offers by e-mail, or leave the e-mail empty.",
                             "Отметьте согласие на письма или оставьте e-mail пустым."};
constexpr Words kFormExpired{"The form expired. Please send it again.",
                             "Форма устарела. Отправьте ещё раз."};
constexpr Words kTooMany{"Too many cards from here just now. Try again later.",
                         "Слишком много карт отсюда. Попробуйте позже."};

bool valid_email(const std::string& email) {
  const auto at = email.find('@');
  return email.size() <= kMaxEmail && at != std::string::npos && at > 0 && at == email.rfind('@') &&
         email.find('.', at) != std::string::npos && email.back() != '.' && is_valid_utf8(email) &&
         std::none_of(email.begin(), email.end(), [](char c) {
           const auto u = static_cast<unsigned char>(c);
           return u <= ' ' || u == 0x7f || c == '<' || c == '>' || c == '"' || c == ',';
         });
}

}  // namespace

bool is_join_path(const std::string& target) { return path_of(target) == "/join"; }

bool valid_source(const std::string& source) {
  return !source.empty() && source.size() <= 64 &&
         std::all_of(source.begin(), source.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
         });
}

HttpResponse JoinPages::handle(const HttpRequest& request, const std::string& address) {
  const PageContext context(request);
  const Lang lang = context.lang;
  const net::FormFields& query_fields = context.query;
  auto finish = [&](HttpResponse r) { return context.finish(std::move(r)); };
  auto message = [&](int status, const Words& why) {
    return finish(page(status, lang, kHeading(lang), kJoin(lang),
                       "<p class=\"error\" role=\"alert\">" + escape(why(lang)) + "</p>"));
  };
  const bool post = request.method == "POST";
  if (!post && request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = page(405, lang, kHeading(lang), kJoin(lang), "");
    r.headers.emplace_back("Allow", "GET, HEAD, POST");
    return finish(r);
  }

  if (!post) {
    const std::string source = net::field(query_fields, "src").value_or("");
    if (!valid_source(source)) return message(400, kBadLink);
    const std::string token = random_hex(16);
    const std::string body =
        "<h1>" + escape(kJoin(lang)) + "</h1><p>" + escape(kJoinWhy(lang)) +
        "</p><form method=\"post\" action=\"/join\"><input type=\"hidden\" name=\"csrf\" "
        "value=\"" +
        token + "\"><input type=\"hidden\" name=\"src\" value=\"" + escape(source) +
        "\"><label for=\"email\">" + escape(kEmail(lang)) +
        "</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" "
        "maxlength=\"254\"><p><input type=\"checkbox\" id=\"consent\" name=\"consent\" "
        "value=\"yes\"><label for=\"consent\" style=\"display:inline\">" +
        escape(kConsent(lang)) + "</label></p><p><button type=\"submit\">" +
        escape(kGetCard(lang)) + "</button></p></form>";
    HttpResponse r = page(200, lang, kHeading(lang), kJoin(lang), body);
    r.headers.emplace_back("Set-Cookie", set_cookie(kFormCookie, token, "/join", 3600));
    return finish(r);
  }

  auto form = net::form_fields(request.body);
  const auto csrf = form.ok() ? net::field(*form, "csrf") : std::nullopt;
  const auto expected = cookie(request, kFormCookie);
  if (!csrf || !expected || csrf->size() != 32 || *csrf != *expected) {
    return message(403, kFormExpired);
  }
  const std::string source = net::field(*form, "src").value_or("");
  const std::string email = net::field(*form, "email").value_or("");
  const bool consent = net::field(*form, "consent").value_or("") == "yes";
  if (!valid_source(source)) return message(400, kBadLink);
  if (!email.empty() && !valid_email(email)) return message(400, kBadEmail);
  if (!email.empty() && !consent) return message(400, kNeedConsent);
  const std::int64_t now = now_();
  if (const std::int64_t wait = joins_.wait(address, now); wait > 0) {
    HttpResponse r = message(429, kTooMany);
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }

  loyalty::CardId id;
  auto bytes = from_hex(random_hex(id.bytes.size()));
  std::copy(bytes->begin(), bytes->end(), id.bytes.begin());
  const std::string card_id = loyalty::card_id_hex(id);
  const std::string token = loyalty::encode_token(id);
  pos::NewEvent e;
  e.type = "card.issued";
  e.at = now;
  e.card_id = card_id;
  e.payload = pos::JsonObject().text("card", card_id).text("source", source).done();
  auto appended = chain_.append(e);
  if (!appended.ok()) {
    return finish(page(503, lang, kHeading(lang), kJoin(lang),
                       "<p class=\"error\">" + escape(appended.error().message()) + "</p>"));
  }
  joins_.count(address, now);
  std::string note;
  if (!email.empty()) {
    if (Status s = store_.add_contact({card_id, email, now, source}); !s.ok()) {
      note = "<p class=\"error\">" + escape(s.error().message()) + "</p>";
    }
  }
  const std::string url = loyalty::card_url(public_url_, token);
  auto qr = qr_svg(url, 6, loyalty::group_token(token));
  const std::string body = "<h1>" + escape(kYourCard(lang)) + "</h1>" + note +
                           (qr.ok() ? *qr : std::string()) + "<p><strong>" +
                           escape(loyalty::group_token(token)) + "</strong></p><p>" +
                           escape(kSaveIt(lang)) + "</p><p><a href=\"/C/" + token + "\">" +
                           escape(kOpenCard(lang)) + "</a></p>";
  HttpResponse r = page(201, lang, kHeading(lang), kYourCard(lang), body);
  r.headers.emplace_back("Set-Cookie", set_cookie(kFormCookie, "", "/join", 0));
  r.headers.emplace_back("Location", "/C/" + token);
  return finish(r);
}

}  // namespace loyalpos::journeyd
