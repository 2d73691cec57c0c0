#include "pos/ledger/json_text.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>

#include "base/utf8.h"

namespace loyalpos::pos {
namespace {

using nlohmann::json;

std::string nlohmann_dump(const std::string& text) {
  return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(JsonText, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_string("tab\tline\nend\r"), R"("tab\tline\nend\r")");
  EXPECT_EQ(json_string(std::string("nul\0x\x1f", 6)), R"("nul\u0000x\u001f")");
}

TEST(JsonText, KeepsCyrillicAndReplacesBrokenUtf8) {
  EXPECT_EQ(json_string("Круассан ₽"), "\"Круассан ₽\"");
  EXPECT_EQ(json_string("\xE2\x82"), "\"\xEF\xBF\xBD\"");              // cut short: one U+FFFD
  EXPECT_EQ(json_string("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong
  EXPECT_EQ(json_string("\xED\xA0\x80"),
            json(std::string("\xED\xA0\x80")).dump(-1, ' ', false, json::error_handler_t::replace));
}

// Any bytes at all: the same text nlohmann writes (with invalid UTF-8
// replaced), and it reads back.
RC_GTEST_PROP(JsonTextProperty, WritesWhatNlohmannWritesForAnyBytes, ()) {
  // Any byte, with lead and continuation bytes often enough to make every
  // kind of broken and whole sequence.
  const auto bytes = *rc::gen::container<std::string>(rc::gen::oneOf(
      rc::gen::arbitrary<char>(),
      rc::gen::element<char>('\xC2', '\xD0', '\xE0', '\xE2', '\xED', '\xF0', '\xF4', '\x80', '\x82',
                             '\x8F', '\x90', '\x9F', '\xA0', '\xBF')));
  const std::string ours = json_string(bytes);
  RC_ASSERT(ours == nlohmann_dump(bytes));
  RC_ASSERT(json::accept(ours));
}

RC_GTEST_PROP(JsonTextProperty, ValidUtf8ReadsBackUnchanged, ()) {
  const auto points = *rc::gen::container<std::vector<char32_t>>(rc::gen::oneOf(
      rc::gen::inRange<char32_t>(0, 0x80), rc::gen::inRange<char32_t>(0x400, 0x460),
      rc::gen::inRange<char32_t>(0xE000, 0x10000), rc::gen::inRange<char32_t>(0x10000, 0x110000)));
  std::string text;
  for (char32_t c : points) append_utf8(text, c);
  RC_ASSERT(json::parse(json_string(text)).get<std::string>() == text);
}

}  // namespace
}  // namespace loyalpos::pos
