// Owner accounts of head office's dashboard (docs/journeyd.md "Owner
// accounts"): `journeyd user add` creates one; the login page signs an owner
// in with a session cookie.
//
// Passwords are kept only as scrypt hashes (OpenSSL's EVP_PBE_scrypt,
// N = 2^15, r = 8, p = 1, a 16-byte random salt: about 0.1 s and 32 MiB a
// try), as "scrypt$15$8$1$<salt hex>$<hash hex>". A session is 32 random
// bytes in an HttpOnly, Secure, SameSite=Strict cookie; the store keeps only
// their SHA-256, with the session's form token (CSRF) and its end, so any
// journeyd on the same store knows the session.
//
// Wrong passwords are slowed: after kMaxFailures wrong tries in
// kFailureWindow from one address, or for one owner name, sign-in is refused
// without looking at the password until the oldest try is kFailureWindow
// old. The counts are in memory: each journeyd counts its own.
#pragma once

#include <loyalpos/result.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "sync/journeyd/rate_limiter.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {

inline constexpr std::size_t kMinPasswordLength = 10;
inline constexpr int kMaxFailures = 5;
inline constexpr std::int64_t kFailureWindow = 15 * 60;      // seconds
inline constexpr std::int64_t kSessionLifetime = 12 * 3600;  // seconds

std::string hash_password(const std::string& password);
bool password_matches(const std::string& password, const std::string& stored_hash);

// A new owner with `password` (at least kMinPasswordLength characters).
Status add_owner(sync::Store& store, const std::string& name, const std::string& password,
                 std::int64_t now);

struct SignedIn {
  std::string cookie_secret;  // goes to the browser, never to the store
  sync::OwnerSession session;
};

class OwnerAccounts {
 public:
  using Now = std::function<std::int64_t()>;
  OwnerAccounts(sync::Store& store, Now now) : store_(store), now_(std::move(now)) {}

  // A new session, or kInvalidInput "wrong name or password", or
  // kUnavailable when `address` or the name tried too often (the message
  // says how long to wait).
  Result<SignedIn> sign_in(const std::string& name, const std::string& password,
                           const std::string& address);
  // The session of a cookie's secret: kNotFound when unknown or expired.
  Result<sync::OwnerSession> session(const std::string& cookie_secret);
  Status sign_out(const std::string& cookie_secret);

 private:
  sync::Store& store_;
  Now now_;
  RateLimiter throttle_{kMaxFailures, kFailureWindow};  // wrong tries
};

}  // namespace loyalpos::journeyd
