// [[points]] in the config: what is read, and the mistakes refused with
// their file and line.
#include <gtest/gtest.h>

#include "pos/config/config.h"

namespace loyalpos::pos {
namespace {

std::string error_of(const std::string& toml) {
  auto r = parse_config(toml, "shop.toml");
  EXPECT_FALSE(r.ok()) << toml;
  return r.ok() ? "" : r.error().message();
}

TEST(PointsConfig, ReadsAPointsCard) {
  auto config = parse_config(R"(
[[points]]
id = "points"
name = "Café points"
per_amount = "100"
threshold = 50
reward_amount = "150"
)",
                             "shop.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  ASSERT_EQ(config->rules.points_programs.size(), 1u);
  const auto& p = config->rules.points_programs[0];
  EXPECT_EQ(p.id, "points");
  EXPECT_EQ(p.name, "Café points");
  EXPECT_EQ(p.per_amount, 10000);
  EXPECT_EQ(p.threshold, 50);
  EXPECT_EQ(p.reward_amount, 15000);
  EXPECT_TRUE(p.items.empty()) << "no categories nor skus: every item";

  config = parse_config(
      "[[points]]\nid = \"d\"\nper_amount = 50\nthreshold = 10\nreward_amount = 100\n"
      "categories = [\"drink\"]\n",
      "shop.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->rules.points_programs[0].name, "d");
  EXPECT_EQ(config->rules.points_programs[0].items.categories, std::vector<std::string>{"drink"});
}

TEST(PointsConfig, RefusesMistakesWithTheirLine) {
  const std::string head = "[[points]]\nid = \"p\"\n";
  EXPECT_EQ(error_of(head + "per_amount = \"0\"\nthreshold = 5\nreward_amount = 1\n"),
            "shop.toml:3: points card \"p\": \"per_amount\" must be above zero");
  EXPECT_EQ(error_of(head + "per_amount = 100\nthreshold = 0\nreward_amount = 1\n"),
            "shop.toml:4: \"threshold\" must be from 1 to 1000000, got 0");
  EXPECT_NE(error_of(head + "per_amount = 100\nthreshold = 5\n").find("\"reward_amount\""),
            std::string::npos);
  EXPECT_NE(error_of(head + "per_amount = 100\nthreshold = 5\nreward_amount = 1\nevery = 3\n")
                .find("shop.toml:6: unknown key \"every\" in [[points]]"),
            std::string::npos);
  EXPECT_NE(error_of("[[stamp_card]]\nid = \"p\"\ncategories = [\"x\"]\nevery = 5\n" + head +
                     "per_amount = 100\nthreshold = 5\nreward_amount = 1\n")
                .find("shop.toml:5: a stamp card and a points card have the id \"p\""),
            std::string::npos);
  EXPECT_NE(error_of(head + "per_amount = 100\nthreshold = 5\nreward_amount = 1\n" + head +
                     "per_amount = 100\nthreshold = 5\nreward_amount = 1\n")
                .find("two points cards have the id \"p\""),
            std::string::npos);
}

}  // namespace
}  // namespace loyalpos::pos
