// How often a key (a client's address, an owner's name) did something in a
// sliding window: journeyd's sign-in throttle and the card page's limit.
// In memory, per journeyd; bounded: past kMaxKeys keys the oldest-sorting
// key's count is dropped (an address flood cannot grow it without end).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace loyalpos::journeyd {

class RateLimiter {
 public:
  static constexpr std::size_t kMaxKeys = 100000;

  // At most `limit` times per `window` seconds.
  RateLimiter(int limit, std::int64_t window) : limit_(limit), window_(window) {}

  // Seconds until `key` may go again; 0: now.
  std::int64_t wait(const std::string& key, std::int64_t now);
  void count(const std::string& key, std::int64_t now);
  void forget(const std::string& key) { times_.erase(key); }

 private:
  int limit_;
  std::int64_t window_;
  std::map<std::string, std::deque<std::int64_t>> times_;
};

}  // namespace loyalpos::journeyd
