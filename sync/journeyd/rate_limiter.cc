#include "sync/journeyd/rate_limiter.h"

namespace loyalpos::journeyd {

std::int64_t RateLimiter::wait(const std::string& key, std::int64_t now) {
  const auto it = times_.find(key);
  if (it == times_.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() <= now - window_) times.pop_front();
  if (times.empty()) {
    times_.erase(it);
    return 0;
  }
  if (times.size() < static_cast<std::size_t>(limit_)) return 0;
  return times.front() + window_ - now;
}

void RateLimiter::count(const std::string& key, std::int64_t now) {
  if (times_.size() >= kMaxKeys && times_.find(key) == times_.end()) times_.erase(times_.begin());
  auto& times = times_[key];
  times.push_back(now);
  while (times.size() > static_cast<std::size_t>(limit_)) times.pop_front();
}

}  // namespace loyalpos::journeyd
