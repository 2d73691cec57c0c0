#include "hardware/printer_test_page.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "escpos_decoder.h"
#include "hardware/escpos_encoder.h"

namespace loyalpos::hardware {
namespace {

TEST(PrinterTestPage, FitsEveryBuiltinProfileAndShowsTheAlphabet) {
  for (const std::string& name : builtin_profile_names()) {
    auto profile = builtin_profile(name);
    ASSERT_TRUE(profile.ok());
    auto bytes = encode_escpos(printer_test_page(*profile), *profile);
    ASSERT_TRUE(bytes.ok()) << name << ": " << bytes.error().message();
    auto job = testing::decode_escpos(*bytes, profile->columns);
    ASSERT_TRUE(job.ok()) << name << ": " << job.error().message();
    const auto texts = job->texts();
    EXPECT_NE(std::find(texts.begin(), texts.end(), "АБВГДЕЁЖЗИЙКЛМНОП"), texts.end());
    EXPECT_NE(std::find(texts.begin(), texts.end(), "рстуфхцчшщъыьэюя"), texts.end());
    EXPECT_NE(std::find(texts.begin(), texts.end(), "0123456789 № р. EUR - \" \" ..."),
              texts.end());
    // The ruler is exactly as wide as the paper: a wrapped or short one shows the wrong columns.
    int rulers = 0;
    for (const auto& line : job->lines()) {
      if (line.text.rfind("1234567890", 0) != 0) continue;
      ++rulers;
      EXPECT_EQ(static_cast<int>(line.raw.size()),
                line.double_size ? profile->columns / 2 : profile->columns);
    }
    EXPECT_EQ(rulers, 2);
  }
}

}  // namespace
}  // namespace loyalpos::hardware
