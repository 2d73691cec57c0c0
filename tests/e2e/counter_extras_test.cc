// Round two of the counter through the real binary: a card given in any form
// the scanner gives it, the sample café's receipt picture, the cashier's
// overrides, and a card found by the customer's phone number.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_runner.h"

namespace loyalpos::e2e {
namespace {

// What a keyboard-wedge scanner types for a card link or code (capitals,
// digits, ':', '/', '.') when the computer is set to the Russian layout.
std::string type_on_russian_layout(const std::string& ascii) {
  static const std::string latin = "QWERTYUIOPASDFGHJKLZXCVBNM:/.";
  static const std::vector<std::string> russian = {"Й", "Ц", "У", "К", "Е", "Н", "Г", "Ш", "Щ", "З",
                                                   "Ф", "Ы", "В", "А", "П", "Р", "О", "Л", "Д", "Я",
                                                   "Ч", "С", "М", "И", "Т", "Ь", "Ж", ".", "ю"};
  std::string out;
  for (char c : ascii) {
    const auto at = latin.find(c);
    out += at == std::string::npos ? std::string(1, c) : russian[at];
  }
  return out;
}

std::string lower(std::string text) {
  for (auto& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

class CounterExtras : public ::testing::Test {
 protected:
  void SetUp() override {
    cli_.set_env("LOYALPOS_NOW", "2026-11-21T09:15:00");
    auto init =
        cli_.run({"init", "--store", "Café Central", "--terminal", "c1", "--sample-catalog"});
    ASSERT_EQ(init.code, 0) << init.err;
    auto issued = cli_.run({"card", "issue", "--json"});
    ASSERT_EQ(issued.code, 0) << issued.err;
    token_ = issued.json()["token"];
    url_ = issued.json()["url"];
    card_id_ = issued.json()["card_id"];
  }

  Cli cli_;
  std::string token_, url_, card_id_;
};

TEST_F(CounterExtras, EveryCardArgumentReadsWhatTheScannerSends) {
  for (const std::string& form : {lower(token_), url_, lower(url_), type_on_russian_layout(url_),
                                  type_on_russian_layout(token_)}) {
    auto shown = cli_.run({"card", "show", form, "--json"});
    ASSERT_EQ(shown.code, 0) << form << ": " << shown.err;
    EXPECT_EQ(shown.json()["token"], token_) << form;
  }
  auto sale = cli_.run({"sale", "--card", type_on_russian_layout(url_), "CROISSANT", "--json"});
  ASSERT_EQ(sale.code, 0) << sale.err;
  EXPECT_EQ(sale.json()["card"]["token"], token_);
  auto referred = cli_.run({"card", "issue", "--referrer", lower(url_), "--json"});
  ASSERT_EQ(referred.code, 0) << referred.err;
  auto shown = cli_.run({"card", "show", referred.json()["token"], "--json"});
  EXPECT_EQ(shown.json()["referrer"], card_id_) << shown.out;

  auto product = cli_.run({"card", "show", "4600000000022"});
  EXPECT_EQ(product.code, 1);
  EXPECT_NE(product.err.find("is a product barcode, not a card code"), std::string::npos)
      << product.err;
  auto foreign = cli_.run({"sale", "--card", "https://evil.example/C/" + token_, "TEA"});
  EXPECT_EQ(foreign.code, 1);
  EXPECT_NE(foreign.err.find("not a loyalty card of this shop"), std::string::npos) << foreign.err;
  EXPECT_EQ(cli_.run({"audit", "--json"}).json()["sales"], 1);
}

TEST(SampleCafe, PrintsItsReceiptsAsPicturesAndSaysWhere) {
  Cli cli;
  cli.set_env("LOYALPOS_NOW", "2026-11-21T09:15:00");
  auto first = cli.run({}, "COFFEE\npay card\n");
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("Receipt printed."), std::string::npos) << first.out;
  const std::string picture = cli.home() + "/prints/job-0001.png";
  EXPECT_NE(first.out.find("Receipt picture: " + picture + "\n"), std::string::npos) << first.out;
  EXPECT_TRUE(std::filesystem::exists(picture));

  auto sale = cli.run({"sale", "TEA"});
  ASSERT_EQ(sale.code, 0) << sale.err;
  EXPECT_NE(sale.out.find("Receipt picture: " + cli.home() + "/prints/job-0002.png\n"),
            std::string::npos)
      << sale.out;
  auto json = cli.run({"sale", "TEA", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(json.json()["print"]["state"], "printed");
  EXPECT_EQ(json.json()["print"]["picture"], cli.home() + "/prints/job-0003.png");
}

TEST(SampleCafe, AShopsInitStillAsksForItsPrinter) {
  Cli cli;
  ASSERT_EQ(cli.run({"init", "--store", "Shop", "--terminal", "t1"}).code, 0);
  const std::string written = slurp(cli.home() + "/config.toml");
  EXPECT_NE(written.find("[printer]\ntype = \"none\""), std::string::npos) << written;
  auto test = cli.run({"printer", "test"});
  EXPECT_EQ(test.code, 1);
  EXPECT_NE(test.err.find("no printer is set up"), std::string::npos) << test.err;
}

TEST_F(CounterExtras, TheCashierSkipsAPromotionAndDetachesACard) {
  std::ofstream(cli_.home() + "/config.toml", std::ios::app)
      << "\n[[promotion]]\nid = \"pastry10\"\nname = \"Pastry -10%\"\nkind = \"percent_off\"\n"
         "percent = 10\ncategories = [\"pastry\"]\n";
  auto run = cli_.run({"counter"}, "CROISSANT\n" + url_ + "\nskip pastry10\npay cash\n" +
                                       "CROISSANT\n" + token_ + "\nnocard\npay cash\nquit\n");
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("Pastry -10% taken off this basket."), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Skipped: Pastry -10% (pastry10)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Card detached."), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Sale 2 recorded."), std::string::npos) << run.out;
  auto shown = cli_.run({"card", "show", token_, "--json"});
  EXPECT_EQ(shown.json()["visits"], 1) << shown.out;                 // the second sale had no card
  EXPECT_EQ(shown.json()["programs"][0]["stamps"], 1) << shown.out;  // the stamp, not the 10 %
  auto day = cli_.run({"report", "day", "--date", "2026-11-21", "--json"});
  ASSERT_EQ(day.code, 0) << day.err;
  EXPECT_EQ(day.json()["discounts"], 1500);  // the second croissant's 10 % only
}

TEST_F(CounterExtras, ACustomerWithoutTheCardIsFoundByPhoneOnlyWithConsent) {
  auto refused = cli_.run({"card", "phone", url_, "+7 999 123-45-67"});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("--consent"), std::string::npos) << refused.err;
  EXPECT_EQ(cli_.run({"sale", "--phone", "89991234567", "TEA"}).err, "loyalpos: no card\n");

  auto attached = cli_.run({"card", "phone", lower(token_), "+7 999 123-45-67", "--consent"});
  ASSERT_EQ(attached.code, 0) << attached.err;
  EXPECT_EQ(attached.out.find("999"), std::string::npos) << attached.out;
  auto other = cli_.run({"card", "issue"});
  auto taken = cli_.run({"card", "phone", other.out.substr(0, 28), "89991234567", "--consent"});
  EXPECT_EQ(taken.code, 1);
  EXPECT_NE(taken.err.find("already on another card"), std::string::npos) << taken.err;

  auto sale = cli_.run({"sale", "--phone", "8 999 1234567", "CROISSANT", "--json"});
  ASSERT_EQ(sale.code, 0) << sale.err;
  EXPECT_EQ(sale.json()["card"]["token"], token_);
  EXPECT_EQ(sale.out.find("999123"), std::string::npos);
  auto wrong = cli_.run({"sale", "--phone", "89991234560", "TEA"});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_EQ(wrong.err, "loyalpos: no card\n");
  auto counter = cli_.run({"counter"}, "TEA\nphone +79991234567\npay card\nquit\n");
  ASSERT_EQ(counter.code, 0) << counter.err;
  EXPECT_NE(counter.out.find("Card attached"), std::string::npos) << counter.out;
  EXPECT_EQ(counter.out.find("999"), std::string::npos) << counter.out;

  auto audit = cli_.run({"audit", "--json"});
  ASSERT_EQ(audit.code, 0) << audit.err;
  EXPECT_EQ(audit.json()["sales"], 2);
  EXPECT_EQ(cli_.run({"card", "show", token_, "--json"}).json()["visits"], 2);
  for (const char* file : {"/ledger.db", "/ledger.db-wal"}) {
    const std::string bytes = slurp(cli_.home() + file);
    for (const char* form : {"9991234567", "999 123", "123-45-67"}) {
      EXPECT_EQ(bytes.find(form), std::string::npos) << file << " holds " << form;
    }
  }
}

}  // namespace
}  // namespace loyalpos::e2e
