#include "loyalty/scan_input.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "loyalty/card_token.h"

namespace loyalpos::loyalty {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view kBase = "https://loyal.example";

ScanSettings settings() { return ScanSettings{std::string(kBase), "", ""}; }

std::string sample_token(std::uint8_t seed = 0x5A) {
  CardId id;
  for (std::size_t i = 0; i < id.bytes.size(); ++i) {
    id.bytes[i] = static_cast<std::uint8_t>(seed * (i + 7) + i);
  }
  return encode_token(id);
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// What a keyboard-wedge scanner types for `ascii` when the PC is set to the
// Russian layout: the same keys, read by the ЙЦУКЕН layout. Written from the
// layout chart independently of the code under test.
std::string type_on_russian_layout(std::string_view ascii) {
  static const std::vector<std::pair<char, std::string>> keys = {
      {'q', "й"}, {'w', "ц"},  {'e', "у"}, {'r', "к"}, {'t', "е"}, {'y', "н"},  {'u', "г"},
      {'i', "ш"}, {'o', "щ"},  {'p', "з"}, {'[', "х"}, {']', "ъ"}, {'a', "ф"},  {'s', "ы"},
      {'d', "в"}, {'f', "а"},  {'g', "п"}, {'h', "р"}, {'j', "о"}, {'k', "л"},  {'l', "д"},
      {';', "ж"}, {'\'', "э"}, {'z', "я"}, {'x', "ч"}, {'c', "с"}, {'v', "м"},  {'b', "и"},
      {'n', "т"}, {'m', "ь"},  {',', "б"}, {'.', "ю"}, {'/', "."}, {'`', "ё"},  {'Q', "Й"},
      {'W', "Ц"}, {'E', "У"},  {'R', "К"}, {'T', "Е"}, {'Y', "Н"}, {'U', "Г"},  {'I', "Ш"},
      {'O', "Щ"}, {'P', "З"},  {'{', "Х"}, {'}', "Ъ"}, {'A', "Ф"}, {'S', "Ы"},  {'D', "В"},
      {'F', "А"}, {'G', "П"},  {'H', "Р"}, {'J', "О"}, {'K', "Л"}, {'L', "Д"},  {':', "Ж"},
      {'"', "Э"}, {'Z', "Я"},  {'X', "Ч"}, {'C', "С"}, {'V', "М"}, {'B', "И"},  {'N', "Т"},
      {'M', "Ь"}, {'<', "Б"},  {'>', "Ю"}, {'?', ","}, {'~', "Ё"}, {'@', "\""}, {'#', "№"},
      {'$', ";"}, {'^', ":"},  {'&', "?"}, {'|', "/"},
  };
  std::string out;
  for (char c : ascii) {
    std::string typed(1, c);
    for (const auto& [key, russian] : keys) {
      if (key == c) typed = russian;
    }
    out += typed;
  }
  return out;
}

Scan expect_card(std::string_view raw, const ScanSettings& s = settings()) {
  auto scan = classify_scan(raw, s);
  EXPECT_TRUE(scan.ok()) << "'" << raw << "': " << (scan.ok() ? "" : scan.error().message());
  if (!scan.ok()) return {};
  EXPECT_EQ(scan->kind, Scan::Kind::kCard) << raw;
  return *scan;
}

std::string expect_error(std::string_view raw, const ScanSettings& s = settings()) {
  auto scan = classify_scan(raw, s);
  EXPECT_FALSE(scan.ok()) << "'" << raw << "' was accepted as kind "
                          << static_cast<int>(scan.ok() ? scan->kind : Scan::Kind::kText);
  if (scan.ok()) return {};
  EXPECT_EQ(scan.error().code(), ErrorCode::kInvalidInput);
  return scan.error().message();
}

TEST(ScanInput, BareTokenIsACardInAnyLetterCase) {
  const std::string token = sample_token();
  EXPECT_EQ(expect_card(token).token, token);
  EXPECT_EQ(expect_card(lower(token)).token, token);
  std::string mixed = token;
  for (std::size_t i = 0; i < mixed.size(); i += 2) mixed[i] = lower(std::string(1, mixed[i]))[0];
  EXPECT_EQ(expect_card(mixed).token, token);
}

TEST(ScanInput, CardUrlUppercasesTheBaseForAlphanumericQr) {
  EXPECT_EQ(card_url("https://loyal.example", "ABC"), "HTTPS://LOYAL.EXAMPLE/C/ABC");
  EXPECT_EQ(card_url("https://loyal.example/", "abc"), "HTTPS://LOYAL.EXAMPLE/C/ABC");
}

TEST(ScanInput, TokenRoundTripsThroughTheCardUrlInAnyCase) {
  const std::string token = sample_token();
  const std::string url = card_url(kBase, token);
  EXPECT_EQ(expect_card(url).token, token);
  EXPECT_EQ(expect_card(lower(url)).token, token);
  EXPECT_EQ(expect_card("Https://Loyal.Example/c/" + lower(token)).token, token);
  EXPECT_EQ(expect_card("http://LOYAL.example/C/" + token).token, token);
  EXPECT_EQ(expect_card("loyal.example/C/" + token).token, token);
}

TEST(ScanInput, CardUrlMatchesABaseWithAPathOrTrailingSlash) {
  const std::string token = sample_token();
  ScanSettings s{"https://example.org/shop7/", "", ""};
  EXPECT_EQ(expect_card(card_url(s.card_base_url, token), s).token, token);
  EXPECT_EQ(expect_card("https://example.org/shop7/c/" + token, s).token, token);
  EXPECT_NE(expect_error("https://example.org/shop8/C/" + token, s).find("not a loyalty card"),
            std::string::npos);
}

TEST(ScanInput, TerminatorsAndSurroundingSpacesAreIgnored) {
  const std::string token = sample_token();
  for (const char* end : {"\r", "\n", "\r\n", "\t", " ", "  \r\n", ""}) {
    EXPECT_EQ(expect_card("  " + token + end).token, token) << "ending " << end;
    EXPECT_EQ(expect_card(card_url(kBase, token) + end).token, token);
  }
}

TEST(ScanInput, ConfiguredPrefixAndSuffixAreStripped) {
  const std::string token = sample_token();
  ScanSettings s{std::string(kBase), "]Q1", "#"};
  EXPECT_EQ(expect_card("]Q1" + token + "#\r\n", s).token, token);
  EXPECT_EQ(expect_card(token, s).token, token);  // a hand-typed code has none
  ScanSettings stx{std::string(kBase), "\x02", "\x03"};
  EXPECT_EQ(expect_card("\x02" + card_url(kBase, token) + "\x03\r", stx).token, token);
  auto sku = classify_scan("]Q1CROISSANT#", s);
  ASSERT_TRUE(sku.ok());
  EXPECT_EQ(sku->text, "CROISSANT");
}

TEST(ScanInput, GroupedCodeAsPrintedUnderTheQrIsACard) {
  const std::string token = sample_token();
  EXPECT_EQ(expect_card(group_token(token)).token, token);
  EXPECT_EQ(expect_card(lower(group_token(token))).token, token);
  std::string dashed = group_token(token);
  for (char& c : dashed) c = c == ' ' ? '-' : c;
  EXPECT_EQ(expect_card(dashed).token, token);
}

TEST(ScanInput, RussianLayoutMapsBackByKeyPosition) {
  EXPECT_EQ(russian_layout_to_qwerty("РЕЕЗЫЖ.."), "HTTPS://");
  EXPECT_EQ(russian_layout_to_qwerty("йцукенгшщзхъфывапролджэячсмитьбю."),
            "qwertyuiop[]asdfghjkl;'zxcvbnm,./");
  EXPECT_EQ(russian_layout_to_qwerty("ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ,"),
            "QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>?");
  EXPECT_EQ(russian_layout_to_qwerty("ёЁ\"№;:?/1234567890-=!%*()_+ \\"),
            "`~@#$^&|1234567890-=!%*()_+ \\");
}

TEST(ScanInput, TokenTypedUnderRussianLayoutIsACard) {
  const std::string token = sample_token();
  const std::string typed = type_on_russian_layout(token);
  ASSERT_NE(typed, token);
  EXPECT_EQ(expect_card(typed + "\r\n").token, token);
  EXPECT_EQ(expect_card(type_on_russian_layout(lower(token))).token, token);
}

TEST(ScanInput, CardUrlTypedUnderRussianLayoutMapsBack) {
  const std::string token = sample_token(0x11);
  const std::string url = card_url(kBase, token);
  const std::string typed = type_on_russian_layout(url);
  // Shift is held for capitals and ':' only: the '.' key types "ю", the '/' key ".".
  EXPECT_EQ(typed.rfind("РЕЕЗЫЖ..ДЩНФДюУЧФЬЗДУ.С.", 0), 0u) << typed;
  EXPECT_EQ(expect_card(typed + "\n").token, token);
  EXPECT_EQ(expect_card(type_on_russian_layout(lower(url))).token, token);
  ScanSettings s{std::string(kBase), "]Q1", ""};
  EXPECT_EQ(expect_card(type_on_russian_layout("]Q1" + url), s).token, token);
}

// With Caps Lock on, shift inverts the case of every letter key, and under
// ЙЦУКЕН the keys ; ' [ ] , . ` are letters: ':' arrives as "ж", '.' as "Ю".
std::string type_on_russian_layout_caps_lock(std::string_view ascii) {
  std::string flipped(ascii);
  for (char& c : flipped) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    } else {
      const std::string_view plain = ";'[],.`";
      const std::string_view shifted = ":\"{}<>~";
      if (auto p = plain.find(c); p != std::string_view::npos) {
        c = shifted[p];
      } else if (auto q = shifted.find(c); q != std::string_view::npos) {
        c = plain[q];
      }
    }
  }
  return type_on_russian_layout(flipped);
}

TEST(ScanInput, CardTypedUnderRussianLayoutWithCapsLockMapsBack) {
  const std::string token = sample_token(0x23);
  const std::string url = card_url(kBase, token);
  const std::string typed = type_on_russian_layout_caps_lock(url);
  EXPECT_EQ(typed.rfind("реезыж..дщнфдЮ", 0), 0u) << typed;
  EXPECT_EQ(expect_card(typed + "\r").token, token);
  EXPECT_EQ(expect_card(type_on_russian_layout_caps_lock(token)).token, token);
  std::string damaged = typed;
  damaged.replace(damaged.size() - 2, 2, damaged.substr(damaged.size() - 2) == "ф" ? "и" : "ф");
  expect_error(damaged);
}

TEST(ScanInput, RussianLayoutCardMustStillPassItsCheck) {
  std::string token = sample_token();
  token[5] = token[5] == 'A' ? 'B' : 'A';
  EXPECT_NE(expect_error(type_on_russian_layout(token)).find("failed its check"),
            std::string::npos);
  EXPECT_NE(expect_error(type_on_russian_layout(card_url(kBase, token))).find("failed its check"),
            std::string::npos);
}

TEST(ScanInput, RussianLayoutWordsAreTextWithTheirQwertyReading) {
  auto sku = classify_scan("СКЩШЫЫФТЕ\r\n", settings());
  ASSERT_TRUE(sku.ok());
  EXPECT_EQ(sku->kind, Scan::Kind::kText);
  EXPECT_EQ(sku->text, "СКЩШЫЫФТЕ");
  EXPECT_EQ(sku->latin_text, "CROISSANT");
  auto word = classify_scan("капучино", settings());
  ASSERT_TRUE(word.ok());
  EXPECT_EQ(word->kind, Scan::Kind::kText);
  EXPECT_EQ(word->text, "капучино");
  auto latin = classify_scan("CROISSANT", settings());
  ASSERT_TRUE(latin.ok());
  EXPECT_EQ(latin->latin_text, "");
}

TEST(ScanInput, EverySingleCharacterChangeOfATokenIsRejected) {
  const std::string token = sample_token();
  const std::string url = card_url(kBase, token);
  const std::vector<std::string> foreign = {"I", "L", "O", "U", "i",  "o", "*", "-",
                                            " ", ".", "/", "#", "\t", "é", "Ж", "\xff"};
  int tried = 0;
  for (std::size_t pos = 0; pos < token.size(); ++pos) {
    std::vector<std::string> replacements = foreign;
    for (char c : kAlphabet) {
      if (c != token[pos]) replacements.emplace_back(1, c);
    }
    for (const std::string& r : replacements) {
      const std::string changed = token.substr(0, pos) + r + token.substr(pos + 1);
      SCOPED_TRACE("position " + std::to_string(pos) + " -> '" + r + "'");
      EXPECT_FALSE(parse_token(changed).ok());
      expect_error(changed);
      expect_error(lower(changed));
      expect_error(url.substr(0, url.size() - token.size()) + changed);
      ++tried;
    }
  }
  EXPECT_EQ(tried, 28 * (31 + 16));
}

TEST(ScanInput, ReadCardCodeTakesEveryFormTheCounterTakes) {
  const std::string token = sample_token();
  const std::string url = card_url(kBase, token);
  std::string grouped;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (i > 0 && i % 4 == 0) grouped += '-';
    grouped += token[i];
  }
  for (const std::string& form :
       {token, lower(token), url, lower(url), lower(grouped), type_on_russian_layout(url),
        type_on_russian_layout(token), " " + url + "\t"}) {
    auto read = read_card_code(form, settings());
    ASSERT_TRUE(read.ok()) << form << ": " << read.error().message();
    EXPECT_EQ(*read, token) << form;
  }
}

TEST(ScanInput, ReadCardCodeRefusesWhatIsNotACard) {
  auto message = [](std::string_view raw) {
    auto read = read_card_code(raw, settings());
    EXPECT_FALSE(read.ok()) << raw;
    return read.ok() ? std::string() : read.error().message();
  };
  EXPECT_NE(message("HELLO").find("a card code has 28 characters"), std::string::npos);
  EXPECT_NE(message("4006381333931").find("is a product barcode, not a card code"),
            std::string::npos);
  EXPECT_NE(message("https://other.example/C/" + sample_token()).find("not a loyalty card"),
            std::string::npos);
  std::string misread = sample_token();
  misread[3] = misread[3] == '7' ? '8' : '7';
  EXPECT_NE(message(misread).find("failed its check"), std::string::npos);
  EXPECT_NE(message("").find("empty"), std::string::npos);
}

TEST(ScanInput, CheckFailureIsAnErrorNotText) {
  std::string token = sample_token();
  token[27] = token[27] == '0' ? '1' : '0';
  EXPECT_NE(expect_error(token).find("card code failed its check"), std::string::npos);
  const std::string in_url = expect_error(card_url(kBase, token));
  EXPECT_NE(in_url.find("card code failed its check"), std::string::npos) << in_url;
}

TEST(ScanInput, CardLinkWithAMalformedCodeIsAnError) {
  const std::string token = sample_token();
  EXPECT_NE(expect_error(card_url(kBase, token.substr(0, 20))).find("28 characters"),
            std::string::npos);
  expect_error(card_url(kBase, token) + "/");
  expect_error(card_url(kBase, token) + "?utm=x");
  expect_error("https://loyal.example/C/");
}

TEST(ScanInput, DroppedCharacterIsAnErrorNotText) {
  const std::string token = sample_token();
  for (std::size_t pos = 0; pos < token.size(); ++pos) {
    std::string dropped = token;
    dropped.erase(pos, 1);
    expect_error(dropped);
  }
}

TEST(ScanInput, ForeignLinksAreNotCards) {
  const std::string token = sample_token();
  for (const std::string& link :
       {"https://other.example/C/" + token, "ftp://loyal.example/C/" + token,
        std::string("https://loyal.example/menu"), "HTTPS://LOYAL.EXAMPLE.EVIL/C/" + token}) {
    EXPECT_NE(expect_error(link).find("not a loyalty card of this shop"), std::string::npos)
        << link;
  }
  EXPECT_NE(expect_error(card_url(kBase, token), ScanSettings{}).find("not a loyalty card"),
            std::string::npos);
}

TEST(ScanInput, ValidRetailBarcodesAreProducts) {
  for (const char* code : {"4006381333931", "4600000000015", "036000291452", "96385074",
                           "0000000000000", "00000000"}) {
    auto scan = classify_scan(std::string(code) + "\r\n", settings());
    ASSERT_TRUE(scan.ok()) << code << ": " << scan.error().message();
    EXPECT_EQ(scan->kind, Scan::Kind::kProductBarcode) << code;
    EXPECT_EQ(scan->barcode, code);
  }
}

TEST(ScanInput, BarcodeWithAWrongCheckDigitIsAnError) {
  EXPECT_EQ(expect_error("4600000000016"), "barcode 4600000000016 has a wrong check digit");
  for (std::string code : {"4006381333931", "036000291452", "96385074"}) {
    const char good = code.back();
    for (char d = '0'; d <= '9'; ++d) {
      if (d == good) continue;
      code.back() = d;
      EXPECT_NE(expect_error(code).find("barcode " + code + " has a wrong check digit"),
                std::string::npos);
    }
  }
}

TEST(ScanInput, OtherDigitStringsAreText) {
  for (const char* digits : {"2", "12345", "1234567", "12345678901234"}) {
    auto scan = classify_scan(digits, settings());
    ASSERT_TRUE(scan.ok()) << digits;
    EXPECT_EQ(scan->kind, Scan::Kind::kText);
    EXPECT_EQ(scan->text, digits);
  }
}

TEST(ScanInput, PlainWordsComeBackAsCleanedText) {
  for (const auto& [raw, text] :
       std::vector<std::pair<std::string, std::string>>{{"CROISSANT\r\n", "CROISSANT"},
                                                        {"COFFEE*2\t", "COFFEE*2"},
                                                        {"  pay cash \n", "pay cash"},
                                                        {"Flat white (oat)", "Flat white (oat)"},
                                                        {"café", "café"}}) {
    auto scan = classify_scan(raw, settings());
    ASSERT_TRUE(scan.ok()) << raw;
    EXPECT_EQ(scan->kind, Scan::Kind::kText);
    EXPECT_EQ(scan->text, text);
    EXPECT_TRUE(scan->token.empty());
  }
}

TEST(ScanInput, GarbageGivesErrorsNamingTheProblem) {
  EXPECT_NE(expect_error("").find("empty"), std::string::npos);
  EXPECT_NE(expect_error(" \r\n\t").find("empty"), std::string::npos);
  EXPECT_NE(expect_error("ABC\x07"
                         "DEF")
                .find("control character (0x07) at position 4"),
            std::string::npos);
  EXPECT_NE(expect_error(std::string("AB\0CD", 5)).find("control character (0x00)"),
            std::string::npos);
  EXPECT_NE(expect_error("TWO\rLINES").find("control character (0x0D)"), std::string::npos);
  EXPECT_NE(expect_error("DEL\x7f").find("control character (0x7F)"), std::string::npos);
  EXPECT_NE(expect_error("C1 \xc2\x85").find("control character (0x85)"), std::string::npos);
  EXPECT_NE(expect_error("AB\xff").find("not valid UTF-8"), std::string::npos);
  EXPECT_NE(expect_error("\xc3").find("not valid UTF-8"), std::string::npos);
  EXPECT_NE(expect_error("\xc0\xaf").find("not valid UTF-8"), std::string::npos);      // overlong
  EXPECT_NE(expect_error("\xed\xa0\x80").find("not valid UTF-8"), std::string::npos);  // surrogate
  EXPECT_NE(expect_error("\xf4\x90\x80\x80").find("not valid UTF-8"), std::string::npos);
  EXPECT_NE(expect_error(std::string(513, 'A')).find("too long (513 bytes, at most 512)"),
            std::string::npos);
  auto longest = classify_scan(std::string(512, 'A'), settings());
  ASSERT_TRUE(longest.ok());
  EXPECT_EQ(longest->kind, Scan::Kind::kText);
}

RC_GTEST_PROP(ScanInputProperty, AnyCardRoundTripsThroughEveryScanForm, ()) {
  CardId id;
  const auto bytes =
      *rc::gen::container<std::vector<std::uint8_t>>(16, rc::gen::arbitrary<std::uint8_t>());
  std::copy(bytes.begin(), bytes.end(), id.bytes.begin());
  const std::string token = encode_token(id);
  const std::string url = card_url(kBase, token);
  for (const std::string& form : {token, lower(token), url, lower(url), group_token(token),
                                  type_on_russian_layout(url), type_on_russian_layout(token)}) {
    auto scan = classify_scan(form + "\r\n", settings());
    RC_ASSERT(scan.ok());
    RC_ASSERT(scan->kind == Scan::Kind::kCard);
    RC_ASSERT(scan->token == token);
    RC_ASSERT(parse_token(scan->token).value() == id);
  }
}

}  // namespace
}  // namespace loyalpos::loyalty
