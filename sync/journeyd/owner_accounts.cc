#include "sync/journeyd/owner_accounts.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <string_view>
#include <vector>

#include "base/journal_hash.h"
#include "sync/journeyd/pki.h"

namespace loyalpos::journeyd {

namespace {

constexpr std::uint64_t kLogN = 15, kR = 8, kP = 1;
constexpr std::size_t kSaltBytes = 16, kHashBytes = 32;
constexpr std::uint64_t kMaxMemory = 64ull * 1024 * 1024;

std::optional<JournalHash> scrypt(const std::string& password, const JournalHash& salt,
                                  std::uint64_t log_n, std::uint64_t r, std::uint64_t p) {
  if (log_n < 10 || log_n > 20 || r == 0 || r > 16 || p == 0 || p > 4) return std::nullopt;
  JournalHash out(kHashBytes);
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(),
                     std::uint64_t{1} << log_n, r, p, kMaxMemory, out.data(), out.size()) != 1) {
    return std::nullopt;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(sep);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string minutes(std::int64_t seconds) {
  const std::int64_t m = (seconds + 59) / 60;
  return std::to_string(m) + (m == 1 ? " minute" : " minutes");
}

}  // namespace

std::string hash_password(const std::string& password) {
  auto salt = from_hex(random_hex(kSaltBytes));
  auto hash = scrypt(password, *salt, kLogN, kR, kP);
  if (!hash) throw std::runtime_error("OpenSSL's scrypt failed");  // not recoverable
  return "scrypt$" + std::to_string(kLogN) + "$" + std::to_string(kR) + "$" + std::to_string(kP) +
         "$" + to_hex(*salt) + "$" + to_hex(*hash);
}

bool password_matches(const std::string& password, const std::string& stored_hash) {
  const auto parts = split(stored_hash, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  const auto log_n = number(parts[1]), r = number(parts[2]), p = number(parts[3]);
  const auto salt = from_hex(parts[4]);
  const auto want = from_hex(parts[5]);
  if (!log_n || !r || !p || !salt || !want || want->size() != kHashBytes) return false;
  const auto got = scrypt(password, *salt, *log_n, *r, *p);
  return got && CRYPTO_memcmp(got->data(), want->data(), kHashBytes) == 0;
}

Status add_owner(sync::Store& store, const std::string& name, const std::string& password,
                 std::int64_t now) {
  if (name.empty() || name.size() > 64 || name.find_first_of(" \t\r\n/$") != std::string::npos) {
    return Error::invalid("an owner name is 1 to 64 characters without spaces, '/' or '$'");
  }
  if (password.size() < kMinPasswordLength) {
    return Error::invalid("the password must be at least " + std::to_string(kMinPasswordLength) +
                          " characters");
  }
  return store.add_owner({name, hash_password(password), now});
}

Result<SignedIn> OwnerAccounts::sign_in(const std::string& name, const std::string& password,
                                        const std::string& address) {
  const std::int64_t now = now_();
  const std::string by_address = "address:" + address, by_name = "owner:" + name;
  if (const std::int64_t wait =
          std::max(throttle_.wait(by_address, now), throttle_.wait(by_name, now));
      wait > 0) {
    return Error::unavailable("too many wrong passwords; try again in " + minutes(wait));
  }
  auto owner = store_.find_owner(name);
  if (!owner.ok() && owner.error().code() != ErrorCode::kNotFound) return owner.error();
  // An unknown name costs the same scrypt as a known one.
  const bool right = password_matches(
      password, owner.ok() ? owner->password_hash : "scrypt$15$8$1$00$" + std::string(64, '0'));
  if (!owner.ok() || !right) {
    throttle_.count(by_address, now);
    throttle_.count(by_name, now);
    return Error::invalid("wrong name or password");
  }
  throttle_.forget(by_name);
  SignedIn in;
  in.cookie_secret = random_hex(32);
  in.session = {to_hex(sha256_of(in.cookie_secret)), name, random_hex(16), now + kSessionLifetime};
  LOYALPOS_TRY(store_.add_session(in.session, now));
  return in;
}

Result<sync::OwnerSession> OwnerAccounts::session(const std::string& cookie_secret) {
  if (cookie_secret.size() != 64) return Error::not_found("no such session");
  return store_.find_session(to_hex(sha256_of(cookie_secret)), now_());
}

Status OwnerAccounts::sign_out(const std::string& cookie_secret) {
  return store_.end_session(to_hex(sha256_of(cookie_secret)));
}

}  // namespace loyalpos::journeyd
