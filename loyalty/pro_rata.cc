#include "loyalty/pro_rata.h"

namespace loyalpos::loyalty {

namespace {

// |total| * k / units rounded down, without overflow for any int64 total.
std::int64_t scaled(std::int64_t magnitude, std::int64_t k, std::int64_t units) {
  return (magnitude / units) * k + ((magnitude % units) * k) / units;
}

}  // namespace

std::int64_t pro_rata_share(std::int64_t total, std::int64_t from, std::int64_t to,
                            std::int64_t units) {
  if (units <= 0 || from >= to) return 0;
  if (total >= 0) return scaled(total, to, units) - scaled(total, from, units);
  // -(INT64_MIN) does not exist; amounts here are far from it.
  return -(scaled(-total, to, units) - scaled(-total, from, units));
}

}  // namespace loyalpos::loyalty
