#include "loyalty/messages.h"

#include <algorithm>

namespace loyalpos::loyalty {

namespace {

std::string english_ordinal(int n) {
  const int last_two = n % 100;
  const char* suffix = "th";
  if (last_two < 11 || last_two > 13) {
    switch (n % 10) {
      case 1:
        suffix = "st";
        break;
      case 2:
        suffix = "nd";
        break;
      case 3:
        suffix = "rd";
        break;
      default:
        break;
    }
  }
  return std::to_string(n) + suffix;
}

}  // namespace

std::string stamp_reward_reason(const StampProgram& program, Language language) {
  if (language == Language::kRussian) {
    return std::to_string(program.every) + "-й бесплатно — " + program.name;
  }
  return english_ordinal(program.every) + " free — " + program.name;
}

std::string progress_text(const StampProgram& program, const ProgramBalance& held,
                          Language language) {
  const bool ru = language == Language::kRussian;
  // As the next sale will count it: never "3/3" nor "0 more for a free one".
  const ProgramBalance balance = normalized(program, held);
  const std::int64_t shown = std::clamp<std::int64_t>(balance.stamps, 0, program.every);
  std::string text =
      program.name + " " + std::to_string(shown) + "/" + std::to_string(program.every) + " — ";
  // Stamps needed before the next reward; a negative balance (a refund took
  // back stamps already used) is paid off first.
  const std::int64_t per_reward =
      program.mode == RewardMode::kBank ? program.every - 1 : program.every;
  const std::int64_t more = per_reward - balance.stamps;
  if (balance.rewards > 0) {
    text += ru ? "бесплатных ждёт: " + std::to_string(balance.rewards)
               : std::to_string(balance.rewards) + " free one" + (balance.rewards > 1 ? "s" : "") +
                     " waiting";
  } else if (program.mode == RewardMode::kApplyNow && more <= 1) {
    text += ru ? "следующий бесплатно" : "the next one is free";
  } else if (program.mode == RewardMode::kBank) {
    text += ru ? "ещё " + std::to_string(more) + " до награды"
               : std::to_string(more) + " more for a free one";
  } else {
    text += ru ? "ещё " + std::to_string(more) + ", и один бесплатно"
               : std::to_string(more) + " more for a free one";
  }
  return text;
}

std::string referral_text(const StampProgram& program, int stamps, Language language) {
  if (language == Language::kRussian) {
    return "Бонус за рекомендацию: +" + std::to_string(stamps) + " — " + program.name;
  }
  return "Referral bonus: +" + std::to_string(stamps) + " stamp" + (stamps > 1 ? "s" : "") + " — " +
         program.name;
}

}  // namespace loyalpos::loyalty
