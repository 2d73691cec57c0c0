// read_push_body against the nlohmann path journeyd used before it
// (push_body_reference.h): generated bodies written every way JSON allows
// (key order, whitespace, escapes, \u and surrogate pairs, duplicate and
// unknown keys, wrong types, numbers at and past their ranges), the same
// bodies cut short and with bytes changed, and a table of edge cases. Both
// must refuse the same bodies, and read the same events and the same first
// event error from the others.
#include "sync/wire/push_body.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/wire/push_body_reference.h"

namespace loyalpos::sync {
namespace {

using testing::describe;
using testing::reference_read_push_body;
using testing::same_decision;

// How a decision went, for the properties' tallies.
const char* outcome(const std::optional<PushBody>& b) {
  if (!b) return "body refused";
  return b->event_error ? "an event refused" : "read";
}

void expect_agree(const std::string& body) {
  const auto want = reference_read_push_body(body);
  const auto got = read_push_body(body);
  EXPECT_TRUE(same_decision(want, got))
      << "body: "
      << nlohmann::json(body).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)
      << "\n nlohmann: " << describe(want) << "\n push_body: " << describe(got);
}

// --------------------------------------------------------------------------
// Generated bodies.

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A string of characters JSON writers trip on: controls, quotes,
// backslashes, NUL, two- to four-byte UTF-8, the edges of the BMP.
std::u32string gen_text(int max_size) {
  static const std::vector<char32_t> kOdd = {
      0x0,  0x1,   0x8,   0x9,    0xA,    0x1F,   '"',    '\\',   '/',     0x7F,    0x80,
      0xE9, 0x7FF, 0x800, 0x20AC, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
  const int n = *rc::gen::inRange(0, max_size + 1);
  std::u32string out;
  for (int i = 0; i < n; ++i) {
    if (*rc::gen::inRange(0, 4) == 0) {
      out.push_back(kOdd[*rc::gen::inRange<std::size_t>(0, kOdd.size())]);
    } else {
      out.push_back(static_cast<char32_t>(*rc::gen::inRange(0x20, 0x7F)));
    }
  }
  return out;
}

// `text` as a JSON string literal, each character written one of the ways
// JSON allows.
std::string quote(const std::u32string& text) {
  static const std::string kEscaped = "\"\\/\b\f\n\r\t";
  static const std::string kLetters = "\"\\/bfnrt";
  std::string out = "\"";
  for (char32_t cp : text) {
    const int way = *rc::gen::inRange(0, 3);
    const bool must_escape = cp < 0x20 || cp == '"' || cp == '\\';
    const auto short_form = cp < 0x80 ? kEscaped.find(static_cast<char>(cp)) : std::string::npos;
    if (way == 0 && !must_escape) {
      append_utf8(out, cp);
    } else if (way == 1 && short_form != std::string::npos) {
      out += '\\';
      out += kLetters[short_form];
    } else {
      const bool upper = *rc::gen::arbitrary<bool>();
      const auto u = [&](std::uint32_t unit) {
        char buf[8];
        std::snprintf(buf, sizeof buf, upper ? "\\u%04X" : "\\u%04x", unit);
        out += buf;
      };
      if (cp >= 0x10000) {
        u(0xD800 + ((cp - 0x10000) >> 10));
        u(0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else {
        u(cp);
      }
    }
  }
  return out + "\"";
}

std::string space() {
  static const std::vector<std::string> kSpace = {"", "", "", " ", "\n", "\t ", "\r\n  "};
  return kSpace[*rc::gen::inRange<std::size_t>(0, kSpace.size())];
}

std::string gen_int() {
  static const std::vector<std::string> kEdges = {"0",
                                                  "-0",
                                                  "1",
                                                  "-1",
                                                  "9223372036854775807",
                                                  "-9223372036854775808",
                                                  "9223372036854775808",
                                                  "-9223372036854775809",
                                                  "18446744073709551615",
                                                  "18446744073709551616",
                                                  "123456789012345678901234567890"};
  if (*rc::gen::inRange(0, 5) == 0) return kEdges[*rc::gen::inRange<std::size_t>(0, kEdges.size())];
  return std::to_string(*rc::gen::arbitrary<std::int64_t>());
}

// A value of another kind than the field wants (or of the right one).
std::string gen_any_value() {
  static const std::vector<std::string> kValues = {"null",
                                                   "true",
                                                   "false",
                                                   "1.5",
                                                   "-0.0",
                                                   "1e3",
                                                   "1E-400",
                                                   "2.5e+10",
                                                   "{}",
                                                   "[]",
                                                   "{\"a\":[1,{\"b\":null}]}",
                                                   "[\"x\",[[]],{}]",
                                                   "\"\"",
                                                   "\"text\"",
                                                   "7",
                                                   "-7"};
  if (*rc::gen::inRange(0, 3) == 0) return quote(gen_text(6));
  return kValues[*rc::gen::inRange<std::size_t>(0, kValues.size())];
}

std::string hex64() {
  static const char kHex[] = "0123456789abcdef";
  std::string out(64, '0');
  for (char& c : out) c = kHex[*rc::gen::inRange(0, 16)];
  return "\"" + out + "\"";
}

struct Member {
  std::string key;  // as written, quoted
  std::string value;
};

std::string object(const std::vector<Member>& members) {
  std::string out = "{" + space();
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out += space() + "," + space();
    out += members[i].key + space() + ":" + space() + members[i].value;
  }
  return out + space() + "}";
}

// One event; with `sound` every field there once with a value of its kind.
std::string gen_event(bool sound) {
  std::vector<Member> m = {
      {quote(U"seq"), gen_int()},
      {quote(U"type"), quote(gen_text(12))},
      {quote(U"at"), gen_int()},
      {quote(U"card_id"), *rc::gen::arbitrary<bool>() ? "null" : quote(gen_text(8))},
      {quote(U"sale_id"), *rc::gen::arbitrary<bool>() ? "null" : gen_int()},
      {quote(U"payload"), quote(gen_text(*rc::gen::inRange(0, 4) == 0 ? 400 : 40))},
      {quote(U"prev_hash"), hex64()},
      {quote(U"hash"), hex64()},
  };
  if (!sound) {
    const int faults = *rc::gen::inRange(1, 4);
    for (int f = 0; f < faults; ++f) {
      const std::size_t at = *rc::gen::inRange<std::size_t>(0, m.size());
      switch (*rc::gen::inRange(0, 5)) {
        case 0:  // a value of another kind
          m[at].value = gen_any_value();
          break;
        case 1:  // a field missing
          m.erase(m.begin() + static_cast<std::ptrdiff_t>(at));
          break;
        case 2:  // a field twice: the last wins
          m.insert(m.begin() + static_cast<std::ptrdiff_t>(at),
                   {m[*rc::gen::inRange<std::size_t>(0, m.size())].key, gen_any_value()});
          break;
        case 3:  // a field the push form does not have
          m.insert(m.begin() + static_cast<std::ptrdiff_t>(at),
                   {quote(*rc::gen::element<std::u32string>(U"terminal_id", U"cursor", U"x", U"Seq",
                                                            U"seq ", U"")),
                    gen_any_value()});
          break;
        default:  // not an object at all
          return gen_any_value();
      }
      if (m.empty()) break;
    }
  }
  // Any order: nlohmann keeps none of it.
  for (std::size_t i = m.size(); i > 1; --i) {
    std::swap(m[i - 1], m[*rc::gen::inRange<std::size_t>(0, i)]);
  }
  return object(m);
}

std::string gen_body(bool sound) {
  const int n = *rc::gen::inRange(0, 12);
  std::string events = "[" + space();
  for (int i = 0; i < n; ++i) {
    if (i > 0) events += space() + "," + space();
    events += gen_event(sound || *rc::gen::inRange(0, 4) != 0);
  }
  events += space() + "]";
  std::vector<Member> m = {{quote(U"terminal_id"), quote(gen_text(32))},
                           {quote(U"events"), events}};
  if (!sound) {
    switch (*rc::gen::inRange(0, 6)) {
      case 0:
        m.insert(m.begin(), {quote(U"events"), gen_any_value()});  // overridden
        break;
      case 1:
        m.push_back({quote(U"terminal_id"), gen_any_value()});
        break;
      case 2:
        m.push_back({quote(U"extra"), gen_any_value()});
        break;
      case 3:
        m.pop_back();
        break;
      default:
        break;
    }
  }
  if (*rc::gen::arbitrary<bool>()) std::swap(m[0], m.back());
  return space() + object(m) + space();
}

RC_GTEST_PROP(PushBody, ReadsSoundBodiesAsTheNlohmannPathDoes, ()) {
  const std::string body = gen_body(true);
  const auto want = reference_read_push_body(body);
  const auto got = read_push_body(body);
  RC_ASSERT(want.has_value());
  RC_ASSERT(same_decision(want, got));
}

RC_GTEST_PROP(PushBody, DecidesFaultyBodiesAsTheNlohmannPathDoes, ()) {
  const std::string body = gen_body(false);
  const auto want = reference_read_push_body(body);
  RC_TAG(outcome(want));
  RC_ASSERT(same_decision(want, read_push_body(body)));
}

RC_GTEST_PROP(PushBody, DecidesMangledBodiesAsTheNlohmannPathDoes, ()) {
  std::string body = gen_body(*rc::gen::arbitrary<bool>());
  static const std::string kBytes = std::string(1, '\0') + "\"\\{}[],:0-.eE+ uxtn/" +
                                    "\x80\xbf\xc0\xc2\xe0\xed\xef\xf0\xf4\xf5\xff\x1f\x7f";
  const int changes = *rc::gen::inRange(1, 4);
  for (int c = 0; c < changes && !body.empty(); ++c) {
    const std::size_t at = *rc::gen::inRange<std::size_t>(0, body.size());
    const char byte = kBytes[*rc::gen::inRange<std::size_t>(0, kBytes.size())];
    switch (*rc::gen::inRange(0, 4)) {
      case 0:
        body.resize(at);  // cut short
        break;
      case 1:
        body[at] = byte;
        break;
      case 2:
        body.insert(body.begin() + static_cast<std::ptrdiff_t>(at), byte);
        break;
      default:
        body.erase(at, 1);
        break;
    }
  }
  const auto want = reference_read_push_body(body);
  RC_TAG(outcome(want));
  RC_ASSERT(same_decision(want, read_push_body(body)));
}

// --------------------------------------------------------------------------
// Edge cases, each in a body around it.

const std::string kHash = std::string(64, 'a');

// A literal's bytes, NULs included.
template <std::size_t N>
std::string bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

std::string event_with(const std::string& field, const std::string& value) {
  std::vector<std::pair<std::string, std::string>> f = {{"seq", "1"},
                                                        {"type", "\"sale.completed\""},
                                                        {"at", "1767225600"},
                                                        {"card_id", "null"},
                                                        {"sale_id", "null"},
                                                        {"payload", "\"{}\""},
                                                        {"prev_hash", "\"" + kHash + "\""},
                                                        {"hash", "\"" + kHash + "\""}};
  std::string out = "{";
  for (const auto& [k, v] : f) out += "\"" + k + "\":" + (k == field ? value : v) + ",";
  out.pop_back();
  return out + "}";
}

std::string body_with_event(const std::string& event) {
  return "{\"terminal_id\":\"t1\",\"events\":[" + event + "]}";
}

TEST(PushBody, ReadsAnEvent) {
  const auto got = read_push_body(body_with_event(event_with("card_id", "\"C\\u00e9\"")));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->terminal_id, "t1");
  ASSERT_EQ(got->events.size(), 1u);
  EXPECT_EQ(got->event_count, 1u);
  EXPECT_FALSE(got->event_error);
  EXPECT_EQ(got->events[0].seq, 1);
  EXPECT_EQ(got->events[0].card_id, "C\xc3\xa9");
  EXPECT_EQ(got->events[0].sale_id, std::nullopt);
  EXPECT_EQ(got->events[0].payload, "{}");
}

TEST(PushBody, AgreesOnNumbersAtAndPastTheirRanges) {
  for (const char* n : {"0",
                        "-0",
                        "00",
                        "01",
                        "-",
                        "1.",
                        ".5",
                        "1e",
                        "1e+",
                        "1.0",
                        "1e0",
                        "1E400",
                        "-1e400",
                        "1e-400",
                        "9223372036854775807",
                        "-9223372036854775808",
                        "9223372036854775808",
                        "-9223372036854775809",
                        "18446744073709551615",
                        "18446744073709551616",
                        "+1",
                        "0x10",
                        "1.7976931348623157e308",
                        "1.7976931348623159e308",
                        "Infinity",
                        "NaN"}) {
    for (const char* field : {"seq", "at", "sale_id", "card_id", "type"}) {
      expect_agree(body_with_event(event_with(field, n)));
    }
  }
  expect_agree(body_with_event(event_with("seq", std::string(309, '9'))));
  expect_agree(body_with_event(event_with("seq", std::string(308, '9'))));
  expect_agree(body_with_event(event_with("x\",\"y", "1")));
}

TEST(PushBody, AgreesOnStrings) {
  for (const char* s : {"\"\\u0000\"",
                        "\"\\ud83d\\ude00\"",
                        "\"\\uD83D\\uDE00\"",
                        "\"\\ud83d\"",
                        "\"\\ude00\"",
                        "\"\\ud83d\\u0041\"",
                        "\"\\ud83dx\"",
                        "\"\\u12\"",
                        "\"\\u12g4\"",
                        "\"\\x41\"",
                        "\"\\'\"",
                        "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"",
                        "\"a\tb\"",
                        "\"a\nb\"",
                        "\"\x7f\"",
                        "\"\xc3\xa9\"",
                        "\"\xc0\x80\"",
                        "\"\xc1\xbf\"",
                        "\"\xe0\x80\x80\"",
                        "\"\xe0\xa0\x80\"",
                        "\"\xed\xa0\x80\"",
                        "\"\xed\x9f\xbf\"",
                        "\"\xef\xbf\xbf\"",
                        "\"\xf0\x8f\xbf\xbf\"",
                        "\"\xf0\x90\x80\x80\"",
                        "\"\xf4\x8f\xbf\xbf\"",
                        "\"\xf4\x90\x80\x80\"",
                        "\"\xf5\x80\x80\x80\"",
                        "\"\xc3\"",
                        "\"\x80\"",
                        "\"\xff\"",
                        "\"unterminated",
                        "'single'"}) {
    for (const char* field : {"payload", "type", "card_id", "seq"}) {
      expect_agree(body_with_event(event_with(field, s)));
    }
    expect_agree("{\"terminal_id\":" + std::string(s) + ",\"events\":[]}");
    expect_agree(body_with_event("{" + std::string(s) + ":1}"));
  }
  expect_agree(bytes("{\"terminal_id\":\"a\0b\",\"events\":[]}"));
  // NUL ends nlohmann's input outside a string: after the document, or too soon.
  const std::string ok = "{\"terminal_id\":\"t\",\"events\":[]}";
  expect_agree(ok + std::string(1, '\0'));
  expect_agree(ok + bytes("\0garbage"));
  expect_agree(ok + bytes(" \0\0{"));
  expect_agree(bytes("\0") + ok);
  expect_agree(bytes("{\"terminal_id\":\"t\",\0\"events\":[]}"));
  expect_agree(bytes("{\"terminal_id\":\"t\",\"events\":[1\0]}"));
  EXPECT_TRUE(read_push_body(ok + bytes("\0garbage")).has_value());
}

TEST(PushBody, AgreesOnTheBodysShape) {
  for (const char* b : {"",
                        " ",
                        "{}",
                        "[]",
                        "null",
                        "\"x\"",
                        "{\"terminal_id\":\"t\"}",
                        "{\"events\":[]}",
                        "{\"terminal_id\":\"t\",\"events\":[]}",
                        "\xef\xbb\xbf{\"terminal_id\":\"t\",\"events\":[]}",
                        "\xef\xbb{\"terminal_id\":\"t\",\"events\":[]}",
                        " \xef\xbb\xbf{\"terminal_id\":\"t\",\"events\":[]}",
                        "{\"terminal_id\":\"t\",\"events\":[]} ",
                        "{\"terminal_id\":\"t\",\"events\":[]} x",
                        "{\"terminal_id\":\"t\",\"events\":[]}{}",
                        "{\"terminal_id\":\"t\",\"events\":[],}",
                        "{\"terminal_id\":\"t\",\"events\":[1,]}",
                        "{\"terminal_id\":\"t\",\"events\":[,1]}",
                        "{\"terminal_id\":\"t\",\"events\":[1 2]}",
                        "{\"terminal_id\":\"t\" \"events\":[]}",
                        "{\"terminal_id\":\"t\",\"events\":{}}",
                        "{\"terminal_id\":7,\"events\":[]}",
                        "{\"terminal_id\":\"t\",\"events\":[],\"terminal_id\":\"u\"}",
                        "{\"terminal_id\":\"t\",\"events\":[],\"terminal_id\":null}",
                        "{\"terminal_id\":null,\"events\":[],\"terminal_id\":\"u\"}",
                        "{\"events\":[1],\"terminal_id\":\"t\",\"events\":[]}",
                        "{\"events\":[],\"terminal_id\":\"t\",\"events\":[1]}",
                        "{\"events\":3,\"terminal_id\":\"t\",\"events\":[{}]}",
                        "{\"events\":[],\"terminal_id\":\"t\",\"events\":3}",
                        "{\"terminal_id\":\"t\",\"events\":[],\"x\":1}",
                        "{\"x\":1e400,\"terminal_id\":\"t\",\"events\":[]}",
                        "{\"terminal_id\":\"t\",\"events\":[null,{},[],\"e\",1,true,false]}",
                        "{\"terminal_id\":\"t\",\"events\":[tru]}",
                        "{\"terminal_id\":\"t\",\"events\":[nul]}",
                        "{\"terminal_id\":\"t\",\"events\":[truex]}",
                        "{\"terminal_id\":\"t\",\"events\":[{}],\"events\":[{} ]}",
                        "{\"terminal_id\":\"t\",\"events\":[]}\n\r\t",
                        "{\"terminal_id\":\"t\",\"events\":[]}\f",
                        "/* */{\"terminal_id\":\"t\",\"events\":[]}"}) {
    expect_agree(b);
  }
}

TEST(PushBody, AgreesOnEventFaults) {
  expect_agree(body_with_event("{}"));
  expect_agree(body_with_event("{\"b\":1,\"a\":2,\"seq\":3}"));
  expect_agree(body_with_event(event_with("seq", "1") + "," + event_with("seq", "1.5")));
  expect_agree(body_with_event(event_with("hash", "null")));
  expect_agree(body_with_event(event_with("card_id", "1")));
  expect_agree(body_with_event(event_with("sale_id", "\"1\"")));
  expect_agree(body_with_event(event_with("sale_id", "7")));
  // Duplicates: the last wins, the first may be anything valid.
  std::string e = event_with("seq", "1");
  e.insert(1, "\"seq\":\"x\",\"hash\":[1e400],");
  expect_agree(body_with_event(e));
  e = event_with("seq", "1");
  e.insert(1, "\"seq\":\"x\",\"hash\":[1e40],");
  expect_agree(body_with_event(e));
  e = event_with("seq", "1");
  e.insert(e.size() - 1, ",\"seq\":\"x\"");
  expect_agree(body_with_event(e));
}

TEST(PushBody, AgreesOnDeepNesting) {
  for (int depth : {1, 2, 100, 100000}) {
    const std::string open(static_cast<std::size_t>(depth), '[');
    const std::string close(static_cast<std::size_t>(depth), ']');
    std::string objects;
    for (int i = 0; i < depth; ++i) objects += "{\"a\":";
    const std::string nested = objects + "1" + std::string(static_cast<std::size_t>(depth), '}');
    expect_agree(body_with_event(open + close));
    expect_agree(body_with_event(open + close.substr(1)));
    expect_agree(body_with_event(event_with("payload", nested)));
    expect_agree(body_with_event(event_with("payload", nested.substr(0, nested.size() - 1))));
    expect_agree("{\"terminal_id\":" + open + close + ",\"events\":[]}");
    expect_agree(body_with_event(event_with("x", open + "1e400" + close)));
  }
}

TEST(PushBody, CountsEveryElementEvenPastAnError) {
  std::string events;
  for (int i = 0; i < 1001; ++i) events += (i ? ",1" : "1");
  const auto got = read_push_body("{\"terminal_id\":\"t\",\"events\":[" + events + "]}");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->event_count, 1001u);
  EXPECT_EQ(got->event_error, "an event is not a JSON object");
}

}  // namespace
}  // namespace loyalpos::sync
