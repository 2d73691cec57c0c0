// Through the real binary: a sheet of one-shot coupons whose QR codes a real
// decoder reads, each coupon good for one sale at `sale --code` or the
// counter, nothing issued when the sheet cannot be written.
#include <gtest/gtest.h>

#include <algorithm>

#include "../hardware/test_support.h"
#include "cli_runner.h"

namespace loyalpos::e2e {
namespace {

constexpr const char* kCoupons = R"(
[[promotion]]
id = "flyer"
name = "Flyer: half-price pastry"
kind = "percent_off"
percent = 50
categories = ["pastry"]
coupons = true
source = "flyer-2026-12"
)";

class Coupons : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli_.run({"init", "--store", "Café", "--terminal", "t1", "--sample-catalog"}).code,
              0);
    std::ofstream(cli_.home() + "/config.toml") << kCoupons;
  }

  std::vector<std::string> print_sheet(int count, const std::string& pdf) {
    auto r = cli_.run({"coupon", "sheet", "--promotion", "flyer", "--count", std::to_string(count),
                       "--out", pdf, "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    if (r.code != 0) return {};
    std::vector<std::string> codes;
    const auto out = r.json();
    for (const auto& c : out["codes"]) codes.push_back(c.get<std::string>());
    return codes;
  }

  Cli cli_;
};

TEST_F(Coupons, ASheetPrintsNCouponsWhoseQrCodesScanToTheirCodes) {
  const std::string pdf = cli_.dir() + "/coupons.pdf";
  auto codes = print_sheet(3, pdf);
  ASSERT_EQ(codes.size(), 3u);
  const std::string page = cli_.dir() + "/page";
  ASSERT_EQ(hardware::testing::run_command("pdftoppm -r 150 -png -singlefile -f 1 -l 1 '" + pdf +
                                           "' '" + page + "'")
                .exit_code,
            0);
  auto found = hardware::testing::zbar_decode(page + ".png");
  std::sort(found.begin(), found.end());
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(found, codes);
  auto audit = cli_.run({"audit"});
  EXPECT_EQ(audit.code, 0) << audit.out << audit.err;
}

TEST_F(Coupons, ACouponIsGoodForOneSale) {
  const auto codes = print_sheet(2, cli_.dir() + "/coupons.pdf");
  ASSERT_EQ(codes.size(), 2u);
  auto first = cli_.run({"sale", "--code", codes[0], "CROISSANT", "--json"});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.json()["total"], 7500);
  EXPECT_EQ(first.json()["promotions"], nlohmann::json::array({"flyer"}));

  auto again = cli_.run({"sale", "--code", codes[0], "CROISSANT"});
  EXPECT_NE(again.code, 0);
  EXPECT_NE(again.err.find("coupon " + codes[0] + " was already used (sale 1)"), std::string::npos)
      << again.err;
  auto unknown = cli_.run({"sale", "--code", "VK2612", "CROISSANT"});
  EXPECT_NE(unknown.code, 0);
  EXPECT_NE(unknown.err.find("unknown code \"VK2612\""), std::string::npos) << unknown.err;
  auto day = cli_.run({"report", "day", "--json"});
  ASSERT_EQ(day.code, 0) << day.err;
  EXPECT_EQ(day.json()["sales"], 1);
  auto plain = cli_.run({"sale", "CROISSANT", "--json"});
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(plain.json()["total"], 15000);  // no coupon, no discount

  // At the counter: the second coupon scanned (its QR holds the code).
  auto counter = cli_.run({"counter"}, "CROISSANT\n" + codes[1] + "\npay cash\n");
  EXPECT_NE(counter.out.find("Coupon " + codes[1] + " given: Flyer: half-price pastry."),
            std::string::npos)
      << counter.out << counter.err;
  auto reused = cli_.run({"counter"}, "CROISSANT\ncode " + codes[1] + "\n");
  EXPECT_NE(reused.out.find("coupon " + codes[1] + " was already used (sale 3)"), std::string::npos)
      << reused.out;
  auto audit = cli_.run({"audit"});
  EXPECT_EQ(audit.code, 0) << audit.out << audit.err;
}

TEST_F(Coupons, NoCouponsAreIssuedWhenTheSheetCannotBeWritten) {
  auto before = cli_.run({"audit", "--json"});
  ASSERT_EQ(before.code, 0) << before.err;
  auto r = cli_.run({"coupon", "sheet", "--promotion", "flyer", "--count", "3", "--out",
                     cli_.dir() + "/missing/coupons.pdf"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("no coupons issued"), std::string::npos) << r.err;
  // No coupon.issued event (nor any other) was written.
  auto after = cli_.run({"audit", "--json"});
  ASSERT_EQ(after.code, 0) << after.err;
  EXPECT_EQ(after.json()["events"], before.json()["events"]);
}

TEST_F(Coupons, APromotionTakesACodeOrCouponsNotBoth) {
  std::ofstream(cli_.home() + "/config.toml") << std::string(kCoupons) + "code = \"FLY\"\n";
  auto r = cli_.run({"sale", "CROISSANT"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("config.toml:8:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"coupons\" and \"code\" cannot both unlock one promotion"),
            std::string::npos)
      << r.err;
  std::ofstream(cli_.home() + "/config.toml") << kCoupons;
  auto other = cli_.run({"coupon", "sheet", "--promotion", "nope", "--out", cli_.dir() + "/x.pdf"});
  EXPECT_NE(other.code, 0);
  EXPECT_NE(other.err.find("no promotion \"nope\""), std::string::npos) << other.err;
}

}  // namespace
}  // namespace loyalpos::e2e
