#include "loyalty/schedule.h"

#include <gtest/gtest.h>

namespace loyalpos::loyalty {
namespace {

TEST(Schedule, KnowsTheDayOfTheWeek) {
  EXPECT_EQ(make_local_time(2026, 11, 21, 0, 0).weekday, 6);  // Saturday
  EXPECT_EQ(make_local_time(2026, 11, 23, 0, 0).weekday, 1);  // Monday
  EXPECT_EQ(make_local_time(1970, 1, 1, 0, 0).weekday, 4);
  EXPECT_EQ(make_local_time(1969, 12, 28, 0, 0).weekday, 7);
  EXPECT_EQ(format_date(*parse_date("2026-02-28")), "2026-02-28");
}

TEST(Schedule, ParsesOnlyRealDates) {
  EXPECT_FALSE(parse_date("2026-02-30").ok());
  EXPECT_FALSE(parse_date("2026-2-3").ok());
  EXPECT_FALSE(parse_date("tomorrow").ok());
}

TEST(Schedule, ActiveWithinDatesDaysAndHours) {
  Schedule s;
  s.from_day = *parse_date("2026-11-20");
  s.to_day = *parse_date("2026-11-22");
  s.weekdays = 0b1100000;
  s.start_minute = 9 * 60;
  s.end_minute = 12 * 60;
  EXPECT_TRUE(s.active(make_local_time(2026, 11, 21, 9, 0)));
  EXPECT_FALSE(s.active(make_local_time(2026, 11, 21, 12, 0)));
  EXPECT_FALSE(s.active(make_local_time(2026, 11, 20, 10, 0)));  // Friday
  EXPECT_FALSE(s.active(make_local_time(2026, 11, 28, 10, 0)));  // after the range
}

TEST(Schedule, FindsWindowsThatNeverOccur) {
  Schedule s;
  EXPECT_TRUE(s.ever_occurs());
  s.weekdays = 0;
  EXPECT_FALSE(s.ever_occurs());
  Schedule backwards;
  backwards.from_day = 10;
  backwards.to_day = 9;
  EXPECT_FALSE(backwards.ever_occurs());
  Schedule empty_hours;
  empty_hours.start_minute = empty_hours.end_minute = 600;
  EXPECT_FALSE(empty_hours.ever_occurs());
  Schedule weekday_of_a_weekend;  // Monday only, within Sat 21 - Sun 22
  weekday_of_a_weekend.from_day = *parse_date("2026-11-21");
  weekday_of_a_weekend.to_day = *parse_date("2026-11-22");
  weekday_of_a_weekend.weekdays = 1;
  EXPECT_FALSE(weekday_of_a_weekend.ever_occurs());
}

TEST(Schedule, Overlaps) {
  Schedule weekend;
  weekend.weekdays = 0b1100000;
  Schedule monday;
  monday.weekdays = 1;
  Schedule all;
  EXPECT_FALSE(weekend.overlaps(monday));
  EXPECT_TRUE(weekend.overlaps(all));
}

}  // namespace
}  // namespace loyalpos::loyalty
