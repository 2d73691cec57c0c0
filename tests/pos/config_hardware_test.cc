#include <gtest/gtest.h>

#include "pos/config/config.h"

namespace loyalpos::pos {
namespace {

TEST(ConfigHardware, PrinterScannerAndReceiptKeys) {
  auto config = parse_config(R"(
[printer]
type = "network"
profile = "xprinter-58"
host = "192.168.1.50"
port = 9101
columns = 42
code_page = 7
connect_timeout_ms = 1500

[scanner]
type = "serial"
device = "/dev/scanner"
baud = 115200
idle_end_ms = 100
prefix = "]Q"

[receipt]
join_url = "https://loyal.example/join"
)",
                             "config.toml");
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->printer.type, PrinterType::kNetwork);
  EXPECT_EQ(config->printer.profile.name, "xprinter-58");
  EXPECT_EQ(config->printer.profile.columns, 42);
  EXPECT_EQ(config->printer.profile.code_page, 7);
  EXPECT_FALSE(config->printer.profile.native_qr);
  EXPECT_EQ(config->printer.port, 9101);
  EXPECT_EQ(config->printer.connect_timeout_ms, 1500);
  EXPECT_EQ(config->printer.write_timeout_ms, 10000);
  EXPECT_EQ(config->scanner.type, ScannerType::kSerial);
  EXPECT_EQ(config->scanner.baud, 115200u);
  EXPECT_EQ(config->scanner_prefix, "]Q");
  EXPECT_EQ(config->receipt_join_url, "https://loyal.example/join");
}

TEST(ConfigHardware, DefaultsToNoPrinterAndTheKeyboard) {
  auto config = parse_config("", "config.toml");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->printer.type, PrinterType::kNone);
  EXPECT_EQ(config->scanner.type, ScannerType::kKeyboard);
  EXPECT_TRUE(config->receipt_join_url.empty());
}

TEST(ConfigHardware, MistakesNameTheFileAndLine) {
  auto expect_error = [](const std::string& text, const std::string& message) {
    auto config = parse_config(text, "config.toml");
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_EQ(config.error().message(), message);
  };
  expect_error("[printer]\ntype = \"usb\"\ncolums = 48\n",
               "config.toml:3: unknown key \"colums\" in [printer]");
  expect_error("[printer]\ntype = \"bluetooth\"\n",
               "config.toml:2: [printer] type must be \"none\", \"virtual\", \"usb\" or "
               "\"network\"");
  expect_error("[printer]\ntype = \"network\"\n", "config.toml:1: \"host\" is required");
  expect_error("[printer]\nport = 70000\n",
               "config.toml:2: \"port\" must be from 1 to 65535, got 70000");
  expect_error("[scanner]\ntype = \"serial\"\n", "config.toml:1: \"device\" is required");
  expect_error("[receipt]\njoin_url = \"loyal.example\"\n",
               "config.toml:2: receipt.join_url must start with https://");
  auto profile = parse_config("[printer]\nprofile = \"tm-99\"\n", "config.toml");
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(profile.error().message().rfind("config.toml:2: ", 0), 0u) << profile.error().message();
}

}  // namespace
}  // namespace loyalpos::pos

namespace loyalpos::pos {
namespace {

// Whether a network receipt is confirmed by the printer's status answer is
// the profile's, and a clone that never answers can switch it off.
TEST(ConfigHardware, StatusAfterJobIsTheProfilesAndCanBeSet) {
  auto epson = parse_config("[printer]\ntype = \"virtual\"\nprofile = \"epson-tm-t88\"\n", "c");
  ASSERT_TRUE(epson.ok());
  EXPECT_TRUE(epson->printer.profile.status_after_job);
  auto generic = parse_config("[printer]\ntype = \"virtual\"\n", "c");
  ASSERT_TRUE(generic.ok());
  EXPECT_FALSE(generic->printer.profile.status_after_job);
  auto clone = parse_config(
      "[printer]\ntype = \"virtual\"\nprofile = \"epson-tm-t88\"\nstatus_after_job = false\n", "c");
  ASSERT_TRUE(clone.ok()) << clone.error().message();
  EXPECT_FALSE(clone->printer.profile.status_after_job);
  auto wrong = parse_config("[printer]\ntype = \"virtual\"\nstatus_after_job = \"yes\"\n", "c");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message().find("c:3:"), std::string::npos) << wrong.error().message();
}

}  // namespace
}  // namespace loyalpos::pos
