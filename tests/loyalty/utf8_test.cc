#include "base/utf8.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace loyalpos::loyalty {
namespace {

TEST(Utf8, MeasuresValidSequences) {
  EXPECT_EQ(utf8_sequence_length("A", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("Ж", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("₽", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x8D\xB0", 0), 4u);  // U+1F370, a cake
  EXPECT_EQ(utf8_sequence_length("aЖ", 1), 2u);
}

TEST(Utf8, RefusesWhatRfc3629Forbids) {
  EXPECT_EQ(utf8_sequence_length("\x80", 0), 0u);              // a lone continuation
  EXPECT_EQ(utf8_sequence_length("\xC0\xAF", 0), 0u);          // overlong '/'
  EXPECT_EQ(utf8_sequence_length("\xE0\x80\xAF", 0), 0u);      // overlong
  EXPECT_EQ(utf8_sequence_length("\xED\xA0\x80", 0), 0u);      // a surrogate
  EXPECT_EQ(utf8_sequence_length("\xF4\x90\x80\x80", 0), 0u);  // past U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\xE2\x82", 0), 0u);          // cut short
  EXPECT_EQ(utf8_sequence_length("", 0), 0u);
}

// Every code point append_utf8 writes is one valid sequence of its length.
RC_GTEST_PROP(Utf8Property, WhatAppendWritesMeasuresAsOneSequence, ()) {
  const auto c = *rc::gen::suchThat(rc::gen::inRange<char32_t>(0, 0x110000),
                                    [](char32_t v) { return v < 0xD800 || v > 0xDFFF; });
  std::string text;
  append_utf8(text, c);
  RC_ASSERT(utf8_sequence_length(text, 0) == text.size());
  RC_ASSERT(text.size() == (c < 0x80 ? 1u : c < 0x800 ? 2u : c < 0x10000 ? 3u : 4u));
}

}  // namespace
}  // namespace loyalpos::loyalty
