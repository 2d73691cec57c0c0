// `loyalpos doctor` end to end: the real CLI on a real home, a printer port
// nobody listens on, and a real journeyd on 127.0.0.1 (mutual TLS) reached,
// not reached, and with this terminal's clock set off from its.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/ledger_files.h"
#include "tests/e2e/shipped_config.h"
#include "tests/journeyd/journeyd_process.h"
#include "tests/journeyd/till.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::e2e {
namespace {

using journeyd::free_port;
using journeyd::run_journeyd;
using nlohmann::json;

// The finding of `check` in a doctor's JSON answer (null if absent).
json finding(const json& report, const std::string& check) {
  for (const auto& c : report["checks"]) {
    if (c["check"] == check) return c;
  }
  return nullptr;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Doctor : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(open_cafe_with_one_sale(cli_), ""); }
  CliResult doctor() const { return cli_.run({"--json", "doctor"}); }

  Cli cli_;
};

TEST_F(Doctor, AHealthyTerminalIsAllFineAndSaysWhatItDidNotCheck) {
  auto r = doctor();
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const json report = r.json();
  EXPECT_EQ(report["ok"], true);
  EXPECT_EQ(report["problems"], 0);
  EXPECT_EQ(finding(report, "ledger")["level"], "ok") << report.dump(2);
  EXPECT_NE(finding(report, "ledger")["finding"].get<std::string>().find("1 sale, "),
            std::string::npos);
  EXPECT_EQ(finding(report, "disk")["level"], "ok");
  EXPECT_EQ(finding(report, "printer")["level"], "note");
  EXPECT_EQ(finding(report, "head office")["level"], "note");
  EXPECT_NE(finding(report, "head office")["finding"].get<std::string>().find("not enrolled"),
            std::string::npos);
  EXPECT_TRUE(finding(report, "clock").is_null());  // nobody to compare with

  auto text = cli_.run({"doctor"});
  EXPECT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("All fine."), std::string::npos) << text.out;
}

TEST_F(Doctor, UnsentEventsAreCountedWithTheOldestTime) {
  auto r = doctor();
  const json sync = finding(r.json(), "sync");
  EXPECT_EQ(sync["level"], "note") << sync.dump();  // not enrolled: they stay here
  const std::string said = sync["finding"];
  EXPECT_NE(said.find("journey events not sent to head office"), std::string::npos) << said;
  EXPECT_NE(said.find("the oldest from 2026-11-23 10:00"), std::string::npos) << said;
}

TEST_F(Doctor, ATamperedLedgerIsAProblemNamedByTheAudit) {
  ASSERT_EQ(change_ledger(cli_.home() + "/ledger.db", "UPDATE sales SET payment = 'card'"), "");
  auto r = doctor();
  EXPECT_EQ(r.code, 1) << r.out;
  const json ledger = finding(r.json(), "ledger");
  EXPECT_EQ(ledger["level"], "problem");
  EXPECT_NE(ledger["finding"].get<std::string>().find("fails its audit"), std::string::npos)
      << ledger.dump();
  EXPECT_NE(ledger["finding"].get<std::string>().find("sale 1"), std::string::npos)
      << ledger.dump();
  EXPECT_NE(ledger["action"].get<std::string>().find("loyalpos restore"), std::string::npos);

  auto text = cli_.run({"doctor"});
  EXPECT_EQ(text.code, 1);
  EXPECT_NE(text.out.find("problem ledger: the ledger fails its audit"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("what to do:"), std::string::npos);
}

TEST_F(Doctor, APrinterThatDoesNotAnswerIsAProblem) {
  std::ofstream(cli_.home() + "/config.toml")
      << shipped_config_without_printer()
      << "\n[printer]\ntype = \"network\"\nhost = \"127.0.0.1\"\nport = " << free_port()
      << "\nconnect_timeout_ms = 1000\n";
  auto r = doctor();
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const json printer = finding(r.json(), "printer");
  EXPECT_EQ(printer["level"], "problem") << printer.dump();
  EXPECT_NE(printer["finding"].get<std::string>().find("does not answer"), std::string::npos)
      << printer.dump();
  EXPECT_EQ(finding(r.json(), "ledger")["level"], "ok");
}

// A head office for the till: journeyd's data folder and the till's bundle.
class DoctorWithHeadOffice : public Doctor {
 protected:
  void SetUp() override {
    Doctor::SetUp();
    ASSERT_TRUE(tmp_.ok());
    listen_ = "127.0.0.1:" + std::to_string(free_port());
    ASSERT_EQ(run_journeyd({"init", "--data", data(), "--listen", listen_}).status, 0);
    auto enrolled = run_journeyd({"enroll", "--data", data(), "--store", "Café", "--terminal",
                                  "till-1", "--out", tmp_.file("till-1.json")});
    ASSERT_EQ(enrolled.status, 0) << enrolled.out;
  }
  std::string data() const { return tmp_.file("data"); }

  testing::TempDir tmp_{"doctor-head-office"};
  std::string listen_;
};

TEST_F(DoctorWithHeadOffice, HeadOfficeDownIsAProblem) {
  auto enroll = cli_.run({"enroll", tmp_.file("till-1.json")});
  EXPECT_EQ(enroll.code, 1);  // nobody listens: the bundle is kept all the same
  auto r = doctor();
  EXPECT_EQ(r.code, 1) << r.out;
  const json head = finding(r.json(), "head office");
  EXPECT_EQ(head["level"], "problem") << head.dump();
  EXPECT_NE(head["finding"].get<std::string>().find("cannot reach head office at https://"),
            std::string::npos)
      << head.dump();
}

TEST_F(DoctorWithHeadOffice, HeadOfficeReachedAndTheClockComparedWithIts) {
  journeyd::Server server(data(), "", listen_);
  ASSERT_NE(server.port(), 0) << server.first_line();
  ASSERT_EQ(cli_.run({"enroll", tmp_.file("till-1.json")}).code, 0);

  // Events from 10:00 not sent at noon: sync is not getting through.
  cli_.set_env("LOYALPOS_NOW", "2026-11-23T12:00:00");
  auto waiting = doctor();
  EXPECT_EQ(finding(waiting.json(), "sync")["level"], "warning") << waiting.out;
  ASSERT_EQ(cli_.run({"sync"}).code, 0);

  cli_.set_env("LOYALPOS_NOW", std::to_string(unix_now() + 20));
  auto fine = doctor();
  EXPECT_EQ(fine.code, 0) << fine.out;
  EXPECT_EQ(finding(fine.json(), "head office")["level"], "ok") << fine.out;
  EXPECT_EQ(finding(fine.json(), "clock")["level"], "ok") << fine.out;
  EXPECT_EQ(finding(fine.json(), "sync")["level"], "ok") << fine.out;

  cli_.set_env("LOYALPOS_NOW", std::to_string(unix_now() + 630));
  auto ahead = doctor();
  EXPECT_EQ(ahead.code, 0) << ahead.out;  // a warning, not a problem
  const json clock = finding(ahead.json(), "clock");
  EXPECT_EQ(clock["level"], "warning") << clock.dump();
  EXPECT_NE(clock["finding"].get<std::string>().find("10 minutes ahead of head office's"),
            std::string::npos)
      << clock.dump();
  EXPECT_EQ(ahead.json()["warnings"], 1);

  cli_.set_env("LOYALPOS_NOW", std::to_string(unix_now() - 3 * 3600));
  auto behind = doctor();
  EXPECT_NE(finding(behind.json(), "clock")["finding"].get<std::string>().find("3 hours behind"),
            std::string::npos)
      << behind.out;
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace loyalpos::e2e
