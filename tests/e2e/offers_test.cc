// Through the real binary: a poster's code at `loyalpos sale --code`, a
// first-customers limit, and the codes recorded for head office.
#include <gtest/gtest.h>

#include "cli_runner.h"

namespace loyalpos::e2e {
namespace {

constexpr const char* kOffers = R"(
[[promotion]]
id = "vk-post"
name = "VK post: second pastry free"
kind = "buy_x_get_y"
buy = 1
get = 1
categories = ["pastry"]
code = "VK2611"
source = "vk-post-2026-11"

[[promotion]]
id = "first-1"
name = "First customer: 100 off"
kind = "order_amount_off"
amount = "100"
min_total = "300"
max_uses = 1
)";

class Offers : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.run({"init", "--store", "Café", "--terminal", "t1", "--sample-catalog"}).code,
              0);
    std::ofstream(cli_.home() + "/config.toml") << kOffers;
  }
  Cli cli_;
};

TEST_F(Offers, ACodeAtTheSaleUnlocksItsPromotionOnce) {
  auto plain = cli_.run({"sale", "CROISSANT*2", "--json"});
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(plain.json()["total"], 30000 - 10000);  // the first customer's 100 off
  auto coded = cli_.run({"sale", "--code", "vk2611", "CROISSANT*2", "--json"});
  ASSERT_EQ(coded.code, 0) << coded.err;
  EXPECT_EQ(coded.json()["total"], 15000);  // the limit of "first-1" is reached
  EXPECT_EQ(coded.json()["promotions"], nlohmann::json::array({"vk-post"}));
  auto audit = cli_.run({"audit"});
  EXPECT_EQ(audit.code, 0) << audit.out << audit.err;
}

TEST_F(Offers, AnUnknownCodeFailsTheSaleAndRecordsNothing) {
  auto r = cli_.run({"sale", "--code", "VK2612", "CROISSANT*2"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("unknown code \"VK2612\""), std::string::npos) << r.err;
  auto day = cli_.run({"report", "day", "--json"});
  ASSERT_EQ(day.code, 0) << day.err;
  EXPECT_EQ(day.json()["sales"], 0);
}

}  // namespace
}  // namespace loyalpos::e2e
