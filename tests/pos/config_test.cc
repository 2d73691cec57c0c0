#include "pos/config.h"

#include <gtest/gtest.h>

namespace loyalpos::pos {
namespace {

std::string error_of(const std::string& toml) {
  auto r = parse_config(toml, "shop.toml");
  EXPECT_FALSE(r.ok()) << toml;
  return r.ok() ? "" : r.error().message();
}

TEST(Config, TheShippedConfigIsTheCafesPastryCard) {
  auto config = parse_config(default_config_text(), "built-in");
  ASSERT_TRUE(config.ok()) << config.error().message();
  ASSERT_EQ(config->rules.stamp_programs.size(), 1u);
  const auto& p = config->rules.stamp_programs[0];
  EXPECT_EQ(p.id, "pastry");
  EXPECT_EQ(p.every, 5);
  EXPECT_EQ(p.items.categories, std::vector<std::string>{"pastry"});
  EXPECT_EQ(config->rules.language, loyalty::Language::kEnglish);
  EXPECT_EQ(config->busy_timeout_ms, 5000);
}

TEST(Config, ReadsEveryKey) {
  auto config = parse_config(R"(
language = "ru"
card_base_url = "https://cafe.example/"
[ledger]
busy_timeout_ms = 250
[scanner]
prefix = "]Q"
suffix = "#"
[[stamp_card]]
id = "coffee"
name = "Кофейная карта"
skus = ["LATTE", "COFFEE"]
every = 10
)", "shop.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->rules.language, loyalty::Language::kRussian);
  EXPECT_EQ(config->card_base_url, "https://cafe.example");
  EXPECT_EQ(config->busy_timeout_ms, 250);
  EXPECT_EQ(config->scanner_prefix, "]Q");
  EXPECT_EQ(config->rules.stamp_programs[0].items.skus.size(), 2u);
  EXPECT_EQ(config->rules.stamp_programs[0].every, 10);
}

TEST(Config, ErrorsNameTheFileTheLineAndTheProblem) {
  EXPECT_EQ(error_of("language = \"en\"\ncolour = \"red\"\n"), "shop.toml:2: unknown key \"colour\"");
  EXPECT_EQ(error_of("[[stamp_card]]\nid = \"p\"\ncategories = [\"pastry\"]\nevery = 1\n"),
            "shop.toml:4: \"every\" must be from 2 to 1000, got 1");
  EXPECT_NE(error_of("[[stamp_card]]\nid = \"p\"\nevery = 5\n").find("needs categories or skus"),
            std::string::npos);
  EXPECT_NE(error_of("[[stamp_card]]\nid = \"p\"\ncategories = [\"x\"]\n").find("shop.toml:1: \"every\" is required"),
            std::string::npos);
  EXPECT_NE(error_of("[[stamp_card]]\nid = \"p\"\ncategories = [\"x\"]\nevery = 5\nfree = 1\n")
                .find("shop.toml:5: unknown key \"free\" in [[stamp_card]]"),
            std::string::npos);
  EXPECT_NE(error_of("[[stamp_card]]\nid = \"p\"\ncategories = [\"x\"]\nevery = 5\n"
                     "[[stamp_card]]\nid = \"p\"\ncategories = [\"y\"]\nevery = 3\n")
                .find("two stamp cards have the id \"p\""),
            std::string::npos);
  EXPECT_EQ(error_of("language = \"fr\"\n"), "shop.toml:1: language must be \"en\" or \"ru\"");
  EXPECT_NE(error_of("[ledger]\nbusy_timeout_ms = \"soon\"\n").find("shop.toml:2"), std::string::npos);
  EXPECT_NE(error_of("language = \n").find("shop.toml:1"), std::string::npos);
  EXPECT_NE(error_of("card_base_url = \"ftp://x\"\n").find("https://"), std::string::npos);
}

}  // namespace
}  // namespace loyalpos::pos
