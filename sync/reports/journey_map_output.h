// The journey map as `journeyd report journey` prints it and the dashboard's
// JSON API will serve it: JSON, CSV (one row per stage) or text for an owner.
// Absent numbers are JSON null and empty CSV fields, never zeros.
#pragma once

#include <string>

#include "sync/reports/journey_map.h"

namespace loyalpos::reports {

// {"shop": null|NAME, "from": null|DAY, "to": DAY, "as_of": unix seconds,
//  "lapsed_after_days", "lapsed_now", "came_back", "stages": [{"stage",
//  "absent": null|why, "now", "entered", "conversion", "median_days",
//  "dropped", "touchpoints": [{"name", "cards"}], "feedback_stars"}]}
std::string journey_map_json(const JourneyMap& map);
// stage,now,entered,conversion,median_days,dropped,touchpoints,feedback_stars,absent
std::string journey_map_csv(const JourneyMap& map);
std::string journey_map_text(const JourneyMap& map);

}  // namespace loyalpos::reports
