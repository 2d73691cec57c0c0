#include "pos/config/config.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

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

// The shipped config's commented examples are what an owner copies: with
// their leading "# " removed they must read, and do what they say.
TEST(Config, TheShippedConfigsExamplesReadWhenUncommented) {
  const std::regex example(R"(^# (\[|[a-z_]+ = ))");
  std::istringstream in{std::string(default_config_text())};
  std::string text, line;
  while (std::getline(in, line)) {
    text += (std::regex_search(line, example) ? line.substr(2) : line) + "\n";
  }
  auto config = parse_config(text, "built-in, uncommented");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->rules.points_programs.size(), 1u);
  EXPECT_EQ(config->rules.tiers.size(), 1u);
  EXPECT_FALSE(config->rules.referral.program_id.empty());
  std::vector<std::string> codes;
  for (const auto& promo : config->rules.promotions) {
    if (!promo.code.empty()) codes.push_back(promo.code + " " + promo.source);
  }
  EXPECT_EQ(codes, std::vector<std::string>{"VK2611 vk-post-2026-11"});
  EXPECT_EQ(config->api_listen, "127.0.0.1:8080");
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
)",
                             "shop.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->rules.language, loyalty::Language::kRussian);
  EXPECT_EQ(config->card_base_url, "https://cafe.example");
  EXPECT_EQ(config->busy_timeout_ms, 250);
  EXPECT_EQ(config->scanner_prefix, "]Q");
  EXPECT_EQ(config->rules.stamp_programs[0].items.skus.size(), 2u);
  EXPECT_EQ(config->rules.stamp_programs[0].every, 10);
}

TEST(Config, ErrorsNameTheFileTheLineAndTheProblem) {
  EXPECT_EQ(error_of("language = \"en\"\ncolour = \"red\"\n"),
            "shop.toml:2: unknown key \"colour\"");
  EXPECT_EQ(error_of("[[stamp_card]]\nid = \"p\"\ncategories = [\"pastry\"]\nevery = 1\n"),
            "shop.toml:4: \"every\" must be from 2 to 1000, got 1");
  EXPECT_NE(error_of("[[stamp_card]]\nid = \"p\"\nevery = 5\n").find("needs categories or skus"),
            std::string::npos);
  EXPECT_NE(error_of("[[stamp_card]]\nid = \"p\"\ncategories = [\"x\"]\n")
                .find("shop.toml:1: \"every\" is required"),
            std::string::npos);
  EXPECT_NE(error_of("[[stamp_card]]\nid = \"p\"\ncategories = [\"x\"]\nevery = 5\nfree = 1\n")
                .find("shop.toml:5: unknown key \"free\" in [[stamp_card]]"),
            std::string::npos);
  EXPECT_NE(error_of("[[stamp_card]]\nid = \"p\"\ncategories = [\"x\"]\nevery = 5\n"
                     "[[stamp_card]]\nid = \"p\"\ncategories = [\"y\"]\nevery = 3\n")
                .find("two stamp cards have the id \"p\""),
            std::string::npos);
  EXPECT_EQ(error_of("language = \"fr\"\n"), "shop.toml:1: language must be \"en\" or \"ru\"");
  EXPECT_NE(error_of("[ledger]\nbusy_timeout_ms = \"soon\"\n").find("shop.toml:2"),
            std::string::npos);
  EXPECT_NE(error_of("language = \n").find("shop.toml:1"), std::string::npos);
  EXPECT_NE(error_of("card_base_url = \"ftp://x\"\n").find("https://"), std::string::npos);
}

TEST(Config, ReadsPromotionsTiersReferralAndJourney) {
  auto config = parse_config(R"(
timezone = "Europe/Moscow"
[[stamp_card]]
id = "pastry"
categories = ["pastry"]
every = 5
reward = "bank"
free_item = "most_expensive"
stamps_expire_after_days = 90
max_rewards_per_sale = 2
[[tier]]
id = "regular"
visits = 4
window_days = 30
[[promotion]]
id = "weekend"
name = "Weekend: 2 for 1"
kind = "n_for_m"
n = 2
m = 1
categories = ["pastry"]
days = ["sat", "sun"]
hours = "08:00-12:00"
from = "2026-11-01"
to = "2026-12-31"
priority = 5
combinable = false
earns_stamps = true
[[promotion]]
id = "breakfast"
kind = "bundle"
price = "250.50"
audience = "tier"
tier = "regular"
[[promotion.component]]
categories = ["drink"]
[[promotion.component]]
categories = ["pastry"]
[referral]
program = "pastry"
bonus_stamps = 2
[journey]
retention_visits = 3
lapsed_after_days = 45
)",
                             "shop.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  const auto& rules = config->rules;
  EXPECT_EQ(config->timezone, "Europe/Moscow");
  EXPECT_EQ(rules.stamp_programs[0].mode, loyalty::RewardMode::kBank);
  EXPECT_EQ(rules.stamp_programs[0].free_item, loyalty::FreeItem::kMostExpensive);
  EXPECT_EQ(*rules.stamp_programs[0].stamps_expire_after_days, 90);
  EXPECT_EQ(*rules.stamp_programs[0].max_rewards_per_sale, 2);
  ASSERT_EQ(rules.promotions.size(), 2u);
  const auto& weekend = rules.promotions[0];
  EXPECT_EQ(weekend.kind, loyalty::PromotionKind::kNForM);
  EXPECT_EQ(weekend.schedule.weekdays, 0b1100000);
  EXPECT_EQ(weekend.schedule.start_minute, 8 * 60);
  EXPECT_EQ(weekend.schedule.end_minute, 12 * 60);
  EXPECT_EQ(loyalty::format_date(weekend.schedule.from_day), "2026-11-01");
  EXPECT_FALSE(weekend.combinable);
  EXPECT_TRUE(weekend.earns_stamps);
  EXPECT_EQ(rules.promotions[1].amount, 25050);
  EXPECT_EQ(rules.promotions[1].components.size(), 2u);
  EXPECT_EQ(rules.promotions[1].audience, loyalty::Audience::kTier);
  EXPECT_EQ(rules.referral.stamps, 2);
  EXPECT_EQ(rules.journey.retention_visits, 3);
  EXPECT_EQ(rules.journey.lapsed_after_days, 45);
}

TEST(Config, PromotionMistakesAreNamedWithTheirLine) {
  const std::string card =
      "[[stamp_card]]\nid = \"pastry\"\ncategories = [\"pastry\"]\nevery = 5\n";
  EXPECT_EQ(error_of("[[promotion]]\nid = \"x\"\nkind = \"n_for_m\"\nn = 2\nm = 2\ncategories = "
                     "[\"pastry\"]\n"),
            "shop.toml:5: promotion \"x\": \"m\" must be less than \"n\"");
  EXPECT_EQ(
      error_of("[[promotion]]\nid = \"x\"\nkind = \"percent_off\"\npercent = 20\n"
               "categories = [\"pastry\"]\ndays = [\"mon\"]\nfrom = \"2026-11-21\"\nto = "
               "\"2026-11-22\"\n"),
      "shop.toml:1: promotion \"x\": its window never occurs (check from/to, days and hours)");
  EXPECT_NE(error_of("[[promotion]]\nid = \"x\"\nkind = \"percent_off\"\npercent = 20\n"
                     "categories = [\"pastry\"]\nhours = \"11:00-11:00\"\n")
                .find("never occurs"),
            std::string::npos);
  EXPECT_NE(
      error_of("[[promotion]]\nid = \"a\"\nkind = \"percent_off\"\npercent = 20\ncategories = "
               "[\"pastry\"]\n"
               "combinable = false\n[[promotion]]\nid = \"b\"\nkind = \"n_for_m\"\nn = 2\nm = 1\n"
               "categories = [\"pastry\"]\ncombinable = false\n")
          .find("shop.toml:7: promotions \"a\" and \"b\" both exclude others"),
      std::string::npos);
  EXPECT_EQ(error_of("[[promotion]]\nid = \"x\"\nkind = \"free_lunch\"\n"),
            "shop.toml:3: promotion \"x\": \"kind\" must be buy_x_get_y, n_for_m, percent_off, "
            "amount_off, order_amount_off, bundle or gift");
  EXPECT_NE(error_of("[[promotion]]\nid = \"x\"\nkind = \"percent_off\"\npercent = 20\n"
                     "categories = [\"pastry\"]\naudience = \"tier\"\ntier = \"gold\"\n")
                .find("no [[tier]] has the id \"gold\""),
            std::string::npos);
  EXPECT_NE(error_of("[[promotion]]\nid = \"x\"\nkind = \"amount_off\"\namount = \"1.999\"\n"
                     "categories = [\"pastry\"]\n")
                .find("shop.toml:4"),
            std::string::npos);
  EXPECT_NE(error_of("[[promotion]]\nid = \"x\"\nkind = \"bundle\"\nprice = 100\n"
                     "[[promotion.component]]\ncategories = [\"drink\"]\n")
                .find("at least two"),
            std::string::npos);
  EXPECT_NE(error_of("[[promotion]]\nid = \"x\"\nkind = \"percent_off\"\npercent = 20\n"
                     "categories = [\"pastry\"]\ndays = [\"someday\"]\n")
                .find("\"someday\" is not a day"),
            std::string::npos);
  EXPECT_NE(error_of(card + "[referral]\nprogram = \"coffee\"\n").find("not a [[stamp_card]] id"),
            std::string::npos);
  EXPECT_NE(error_of("timezone = \"Mars/Olympus\"\n").find("unknown time zone"), std::string::npos);
  EXPECT_NE(error_of(card + "reward = \"later\"\n").find("apply_now"), std::string::npos);
}

TEST(Config, ReadsCodesMinimumsAndLimits) {
  auto config = parse_config(R"(
[[stamp_card]]
id = "pastry"
categories = ["pastry"]
every = 5
min_total = "300"
min_qty = 2

[[promotion]]
id = "vk-post"
name = "VK post: second pastry free"
kind = "buy_x_get_y"
buy = 1
get = 1
categories = ["pastry"]
code = "vk2611"
source = "vk-post-2026-11"
min_total = "2.50"
min_qty = 3
max_uses = 100
max_uses_per_card = 1
)",
                             "shop.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  const auto& card = config->rules.stamp_programs[0];
  EXPECT_EQ(card.min_total, 30000);
  EXPECT_EQ(card.min_qty, 2);
  const auto& p = config->rules.promotions[0];
  EXPECT_EQ(p.code, "VK2611");  // kept upper case: codes are the same in any case
  EXPECT_EQ(p.source, "vk-post-2026-11");
  EXPECT_EQ(p.min_total, 250);
  EXPECT_EQ(p.min_qty, 3);
  EXPECT_EQ(p.max_uses, 100);
  EXPECT_EQ(p.max_uses_per_card, 1);
}

TEST(Config, CodeAndLimitMistakesAreNamedWithTheirLine) {
  const std::string promo =
      "[[promotion]]\nid = \"x\"\nkind = \"percent_off\"\npercent = 20\n"
      "categories = [\"pastry\"]\n";
  EXPECT_EQ(error_of(promo + "code = \"VK 2611\"\n"),
            "shop.toml:6: promotion \"x\": \"code\" must be 1 to 32 letters, digits, - or _ "
            "(like \"VK2611\")");
  EXPECT_EQ(error_of(promo + "source = \"poster\"\n"),
            "shop.toml:6: promotion \"x\": \"source\" needs a \"code\" or \"coupons\"");
  EXPECT_EQ(error_of(promo + "code = \"A1\"\ncoupons = true\n"),
            "shop.toml:7: promotion \"x\": \"coupons\" and \"code\" cannot both unlock one "
            "promotion");
  EXPECT_EQ(error_of(promo + "code = \"A1\"\n" +
                     "[[promotion]]\nid = \"y\"\nkind = \"percent_off\"\npercent = 5\n"
                     "categories = [\"drink\"]\ncode = \"a1\"\n"),
            "shop.toml:12: promotions \"x\" and \"y\" have the same code \"A1\" (codes are the "
            "same in any case)");
  EXPECT_NE(error_of(promo + "max_uses = 0\n").find("shop.toml:6"), std::string::npos);
  EXPECT_NE(error_of(promo + "max_uses_per_card = -1\n").find("shop.toml:6"), std::string::npos);
  EXPECT_EQ(error_of(promo + "min_total = 0\n"),
            "shop.toml:6: promotion \"x\": \"min_total\" must be above zero");
  EXPECT_NE(error_of(promo + "min_qty = 0\n").find("shop.toml:6"), std::string::npos);
  EXPECT_NE(error_of("[[stamp_card]]\nid = \"pastry\"\ncategories = [\"pastry\"]\nevery = 5\n"
                     "min_total = \"-3\"\n")
                .find("shop.toml:5"),
            std::string::npos);
}

TEST(Config, ReadsOrderAmountOffGiftAndMaxDiscount) {
  auto config = parse_config(R"(
[[promotion]]
id = "minus-100"
kind = "order_amount_off"
amount = "100"

[[promotion]]
id = "coffee-simit"
kind = "gift"
skus = ["SIMIT"]
[promotion.trigger]
categories = ["drink"]

[[promotion]]
id = "ten"
kind = "percent_off"
percent = 10
categories = ["pastry"]
max_discount = "300"
)",
                             "shop.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  const auto& p = config->rules.promotions;
  EXPECT_EQ(p[0].kind, loyalty::PromotionKind::kOrderAmountOff);
  EXPECT_EQ(p[0].amount, 10000);
  EXPECT_TRUE(p[0].items.empty());  // the whole basket
  EXPECT_EQ(p[1].kind, loyalty::PromotionKind::kGift);
  EXPECT_EQ(p[1].items.skus, std::vector<std::string>{"SIMIT"});
  EXPECT_EQ(p[1].trigger.categories, std::vector<std::string>{"drink"});
  EXPECT_EQ(p[2].max_discount, 30000);

  EXPECT_EQ(error_of("[[promotion]]\nid = \"g\"\nkind = \"gift\"\nskus = [\"SIMIT\"]\n"),
            "shop.toml:1: promotion \"g\": a gift needs [promotion.trigger] with what must be "
            "bought");
  EXPECT_EQ(error_of("[[promotion]]\nid = \"x\"\nkind = \"amount_off\"\namount = 5\n"
                     "categories = [\"pastry\"]\nmax_discount = 10\n"),
            "shop.toml:6: promotion \"x\": \"max_discount\" is for kind = \"percent_off\"");
  EXPECT_EQ(error_of("[[promotion]]\nid = \"o\"\nkind = \"order_amount_off\"\namount = 0\n"),
            "shop.toml:4: promotion \"o\": \"amount\" must be above zero");
  EXPECT_NE(error_of("[[promotion]]\nid = \"x\"\nkind = \"percent_off\"\npercent = 5\n"
                     "categories = [\"pastry\"]\n[promotion.trigger]\nskus = [\"TEA\"]\n")
                .find("[promotion.trigger] is for kind = \"gift\""),
            std::string::npos);
}

}  // namespace
}  // namespace loyalpos::pos

namespace loyalpos::pos {
namespace {

TEST(ConfigApi, ListenAddressIsReadAndBadOnesNameTheLine) {
  auto config = parse_config("[api]\nlisten = \"127.0.0.1:9090\"\n", "shop.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->api_listen, "127.0.0.1:9090");
  auto fallback = parse_config("", "shop.toml");
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(fallback->api_listen, "127.0.0.1:8080");

  for (const char* bad : {"127.0.0.1", "127.0.0.1:99999", "my host:80", ":80"}) {
    auto r = parse_config(std::string("[api]\nlisten = \"") + bad + "\"\n", "shop.toml");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find("shop.toml:2"), std::string::npos) << r.error().message();
    EXPECT_NE(r.error().message().find("[api]"), std::string::npos) << r.error().message();
  }
  auto unknown = parse_config("[api]\nport = 80\n", "shop.toml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("port"), std::string::npos) << unknown.error().message();
}

}  // namespace
}  // namespace loyalpos::pos
