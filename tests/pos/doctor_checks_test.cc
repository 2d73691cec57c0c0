// The doctor's clock finding (pos/app/doctor_checks.h): head office's Date
// against this terminal's clock, the round trip accounted for.
#include "pos/app/doctor_checks.h"

#include <gtest/gtest.h>

namespace loyalpos::pos {
namespace {

using std::chrono::milliseconds;

sync::HeadOfficeProbe probe(std::int64_t here, std::optional<std::int64_t> there,
                            milliseconds round_trip = milliseconds(40)) {
  sync::HeadOfficeProbe p;
  p.status = 200;
  p.sent_at = here;
  p.answered_at = here;
  p.server_time = there;
  p.round_trip = round_trip;
  return p;
}

TEST(DoctorClock, NoDateIsANote) {
  EXPECT_EQ(clock_finding(probe(1000, std::nullopt)).level, Level::kNote);
}

TEST(DoctorClock, WithinTwoMinutesIsFine) {
  for (std::int64_t off : {0, 30, -30, 119, -119}) {
    const Finding f = clock_finding(probe(1'000'000, 1'000'000 + off));
    EXPECT_EQ(f.level, Level::kOk) << off << ": " << f.finding;
  }
}

TEST(DoctorClock, FurtherIsAWarningSayingWhichWayAndHowFar) {
  const Finding ahead = clock_finding(probe(1'000'600, 1'000'000));
  EXPECT_EQ(ahead.level, Level::kWarning);
  EXPECT_EQ(ahead.finding, "this terminal's clock is 10 minutes ahead of head office's");
  EXPECT_FALSE(ahead.action.empty());
  const Finding behind = clock_finding(probe(1'000'000, 1'000'000 + 3 * 86400));
  EXPECT_EQ(behind.finding, "this terminal's clock is 3 days behind head office's");
}

TEST(DoctorClock, ASlowRoundTripWidensWhatCountsAsAgreeing) {
  // 150 s apart, but the answer took 100 s: it may have been stamped anywhere in it.
  EXPECT_EQ(clock_finding(probe(1'000'000, 1'000'150, milliseconds(100'000))).level, Level::kOk);
  EXPECT_EQ(clock_finding(probe(1'000'000, 1'000'150, milliseconds(40))).level, Level::kWarning);
}

}  // namespace
}  // namespace loyalpos::pos
