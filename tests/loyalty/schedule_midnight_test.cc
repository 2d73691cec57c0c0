// Promotion windows across midnight: hours = "22:00-02:00" runs from 22:00
// to 02:00 the next morning, and the part after midnight belongs to the day
// the window started (its weekday and its date range).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "loyalty/pricing.h"
#include "loyalty/schedule.h"
#include "rules_fixture.h"

namespace loyalpos::loyalty {
namespace {

Schedule late_night() {
  Schedule s;
  s.start_minute = 22 * 60;
  s.end_minute = 2 * 60;
  return s;
}

TEST(ScheduleAcrossMidnight, RunsFromTheEveningIntoTheNextMorning) {
  const Schedule s = late_night();
  EXPECT_TRUE(s.ever_occurs());
  EXPECT_FALSE(s.active(make_local_time(2026, 11, 20, 21, 59)));
  EXPECT_TRUE(s.active(make_local_time(2026, 11, 20, 22, 0)));
  EXPECT_TRUE(s.active(make_local_time(2026, 11, 20, 23, 59)));
  EXPECT_TRUE(s.active(make_local_time(2026, 11, 21, 0, 0)));
  EXPECT_TRUE(s.active(make_local_time(2026, 11, 21, 1, 59)));
  EXPECT_FALSE(s.active(make_local_time(2026, 11, 21, 2, 0)));  // the end is not included
  EXPECT_FALSE(s.active(make_local_time(2026, 11, 21, 12, 0)));
}

TEST(ScheduleAcrossMidnight, TheHoursAfterMidnightBelongToTheDayTheWindowStarted) {
  Schedule friday = late_night();
  friday.weekdays = 1 << 4;                                           // Friday
  EXPECT_TRUE(friday.active(make_local_time(2026, 11, 20, 23, 0)));   // Friday night
  EXPECT_TRUE(friday.active(make_local_time(2026, 11, 21, 1, 0)));    // Saturday 01:00
  EXPECT_FALSE(friday.active(make_local_time(2026, 11, 20, 1, 0)));   // Friday 01:00: Thursday's
  EXPECT_FALSE(friday.active(make_local_time(2026, 11, 21, 23, 0)));  // Saturday night
  // Monday 01:00 belongs to Sunday (weekday 7 -> 1 wraps).
  Schedule sunday = late_night();
  sunday.weekdays = 1 << 6;
  EXPECT_TRUE(sunday.active(make_local_time(2026, 11, 23, 1, 0)));
  EXPECT_FALSE(sunday.active(make_local_time(2026, 11, 22, 1, 0)));
}

TEST(ScheduleAcrossMidnight, TheDateRangeCountsTheDayTheWindowStarted) {
  Schedule s = late_night();
  s.from_day = *parse_date("2026-11-20");
  s.to_day = *parse_date("2026-11-20");
  EXPECT_FALSE(s.active(make_local_time(2026, 11, 20, 1, 0)));  // the 19th's night
  EXPECT_TRUE(s.active(make_local_time(2026, 11, 20, 22, 30)));
  EXPECT_TRUE(s.active(make_local_time(2026, 11, 21, 1, 0)));  // past `to`, still the 20th's
  EXPECT_FALSE(s.active(make_local_time(2026, 11, 21, 22, 30)));
}

TEST(ScheduleAcrossMidnight, AnEmptyWindowStillNeverOccurs) {
  Schedule s;
  s.start_minute = s.end_minute = 22 * 60;
  EXPECT_FALSE(s.ever_occurs());
  Schedule weekday_outside_range = late_night();  // Monday nights, within Sat 21 - Sun 22
  weekday_outside_range.from_day = *parse_date("2026-11-21");
  weekday_outside_range.to_day = *parse_date("2026-11-22");
  weekday_outside_range.weekdays = 1;
  EXPECT_FALSE(weekday_outside_range.ever_occurs());
}

TEST(ScheduleAcrossMidnight, OverlapsSeeThePartAfterMidnight) {
  Schedule friday_night = late_night();
  friday_night.weekdays = 1 << 4;
  Schedule saturday_morning;
  saturday_morning.weekdays = 1 << 5;
  saturday_morning.start_minute = 0;
  saturday_morning.end_minute = 60;
  EXPECT_TRUE(friday_night.overlaps(saturday_morning));
  EXPECT_TRUE(saturday_morning.overlaps(friday_night));
  saturday_morning.start_minute = 2 * 60;
  saturday_morning.end_minute = 12 * 60;
  EXPECT_FALSE(friday_night.overlaps(saturday_morning));
  Schedule friday_evening;
  friday_evening.weekdays = 1 << 4;
  friday_evening.start_minute = 18 * 60;
  friday_evening.end_minute = 22 * 60;
  EXPECT_FALSE(friday_night.overlaps(friday_evening));
  friday_evening.end_minute = 22 * 60 + 1;
  EXPECT_TRUE(friday_night.overlaps(friday_evening));
  Schedule saturday_night = late_night();
  saturday_night.weekdays = 1 << 5;
  EXPECT_FALSE(friday_night.overlaps(saturday_night));
  // The last day of one range and the next morning, the first of another.
  Schedule until_20th = late_night();
  until_20th.to_day = *parse_date("2026-11-20");
  Schedule from_21st;
  from_21st.from_day = *parse_date("2026-11-21");
  from_21st.end_minute = 60;
  EXPECT_TRUE(until_20th.overlaps(from_21st));
  from_21st.start_minute = 2 * 60;
  from_21st.end_minute = 24 * 60;
  EXPECT_FALSE(until_20th.overlaps(from_21st));
}

// overlaps() agrees with active() minute by minute over two weeks.
RC_GTEST_PROP(ScheduleAcrossMidnightProperty, OverlapsIsSomeMinuteActiveInBoth, ()) {
  auto random_schedule = [] {
    Schedule s;
    s.weekdays = static_cast<std::uint8_t>(*rc::gen::inRange(1, 128));
    s.start_minute = *rc::gen::inRange(0, 24) * 60;
    s.end_minute = *rc::gen::inRange(0, 25) * 60;
    if (s.start_minute == s.end_minute) s.end_minute = (s.start_minute + 60) % (24 * 60);
    const std::int32_t base = *parse_date("2026-11-16");  // a Monday
    if (*rc::gen::arbitrary<bool>()) s.from_day = base + *rc::gen::inRange(0, 6);
    if (*rc::gen::arbitrary<bool>()) s.to_day = base + *rc::gen::inRange(4, 10);
    return s;
  };
  const Schedule a = random_schedule();
  const Schedule b = random_schedule();
  RC_PRE(a.ever_occurs() && b.ever_occurs());
  bool both = false;
  const std::int32_t first = *parse_date("2026-11-09");
  for (std::int32_t day = first; day < first + 21 && !both; ++day) {
    for (int hour = 0; hour < 24 && !both; ++hour) {
      LocalTime t;
      t.days = day;
      t.weekday = weekday_of(day);
      t.minute_of_day = hour * 60;
      both = a.active(t) && b.active(t);
    }
  }
  RC_ASSERT(a.overlaps(b) == both);
}

TEST(ScheduleAcrossMidnight, ALateNightPromotionPricesAfterMidnight) {
  auto promo = testing::promotion("late", PromotionKind::kPercentOff);
  promo.percent = 50;
  promo.schedule = late_night();
  promo.schedule.weekdays = 1 << 4;  // Friday nights
  Rules rules;
  rules.promotions = {promo};
  auto at = [&](LocalTime when) {
    return price_basket(testing::basket({{testing::kCroissant, 1}}, when), rules)->discount;
  };
  EXPECT_EQ(at(make_local_time(2026, 11, 21, 1, 30)), testing::kCroissant.price / 2);
  EXPECT_EQ(at(make_local_time(2026, 11, 21, 2, 30)), 0);
  EXPECT_EQ(at(make_local_time(2026, 11, 20, 1, 30)), 0);
}

}  // namespace
}  // namespace loyalpos::loyalty
