#include "loyalty/points.h"

#include "loyalty/money.h"

namespace loyalpos::loyalty {

namespace {

// "балл", "балла", "баллов" by the number's last digits.
const char* russian_points(std::int64_t n) {
  const std::int64_t abs = n < 0 ? -n : n;
  const std::int64_t last_two = abs % 100, last = abs % 10;
  if (last_two >= 11 && last_two <= 14) return "баллов";
  if (last == 1) return "балл";
  if (last >= 2 && last <= 4) return "балла";
  return "баллов";
}

}  // namespace

std::int64_t points_for(const PointsProgram& program, std::int64_t paid) {
  return paid > 0 ? paid / program.per_amount : 0;
}

Status check_redeem(const PointsProgram& program, const ProgramBalance& before) {
  if (before.stamps >= program.threshold) return ok_status();
  return Error::invalid("the card holds " + std::to_string(before.stamps) + " points of \"" +
                        program.name + "\"; a reward needs " + std::to_string(program.threshold));
}

PointsOutcome apply_points(const PointsProgram& program, const ProgramBalance& before,
                           std::int64_t paid, bool redeem, std::int64_t now) {
  PointsOutcome out;
  out.after = before;
  out.after.program_id = program.id;
  if (redeem && before.stamps >= program.threshold) {
    out.rewards_used = 1;
    out.points_spent = program.threshold;
    out.after.stamps -= program.threshold;
  }
  out.points_earned = points_for(program, paid);
  out.after.stamps += out.points_earned;
  if (out.points_earned > 0) out.after.last_stamp_at = now;
  return out;
}

std::string points_progress_text(const PointsProgram& program, const ProgramBalance& balance,
                                 Language language) {
  const std::string off = format_minor_units(program.reward_amount, program.currency_exponent);
  const std::string held = std::to_string(balance.stamps);
  const std::string threshold = std::to_string(program.threshold);
  if (language == Language::kRussian) {
    return held + " " + russian_points(balance.stamps) + " — " + threshold + " за скидку " + off;
  }
  return held + (balance.stamps == 1 ? " point — " : " points — ") + threshold + " for " + off +
         " off";
}

}  // namespace loyalpos::loyalty
