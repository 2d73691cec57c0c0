// A `journeyd report …` command's test: a data folder whose store holds
// what write() puts in it (the fixture journey unless overridden), the
// command run on it with "now" fixed, and what it writes caught.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <sstream>
#include <string>

#include "sync/journeyd/commands.h"
#include "tests/reports/journey_fixture.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::reports::testing {

class ReportCommandTest : public ::testing::Test {
 protected:
  using Command = int (*)(const journeyd::RangeReportOptions&, std::ostream&, std::ostream&);

  explicit ReportCommandTest(Command command) : command_(command) {}

  void SetUp() override {
    auto store = report_data_folder(dir_);
    ASSERT_NE(store, nullptr);
    write(*store);
  }
  virtual void write(sync::Store& store) { write_fixture_journey(store); }
  // What a test leaves out of the options, filled in before each run.
  virtual void fill(journeyd::RangeReportOptions&) const {}

  // The command (the fixture's unless given) on the data folder, "now" on
  // day 200 of 2026; out_ and err_ hold what it wrote.
  int run(journeyd::RangeReportOptions o) { return run(command_, std::move(o)); }
  int run(Command command, journeyd::RangeReportOptions o) {
    fill(o);
    o.dir = dir_.path();
    o.now = kJan1 + 200 * kDay;
    out_.str("");
    err_.str("");
    return command(o, out_, err_);
  }

  // The command refuses `o` with exit 2, saying `says`, and writes nothing
  // on standard output.
  void expect_refused(const journeyd::RangeReportOptions& o, const std::string& says) {
    expect_refused(command_, o, says);
  }
  void expect_refused(Command command, const journeyd::RangeReportOptions& o,
                      const std::string& says) {
    EXPECT_EQ(run(command, o), 2) << says;
    EXPECT_NE(err_.str().find(says), std::string::npos) << err_.str();
    EXPECT_EQ(out_.str(), "");
  }

  loyalpos::testing::TempDir dir_{"loyalpos-reports"};
  std::ostringstream out_, err_;

 private:
  Command command_;
};

}  // namespace loyalpos::reports::testing
