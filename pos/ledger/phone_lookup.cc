#include "pos/ledger/phone_lookup.h"

#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <nlohmann/json.hpp>
#include <vector>

#include "base/journal_hash.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/event_payloads.h"
#include "pos/ledger/json_text.h"

namespace loyalpos::pos {

namespace {

constexpr const char* kKeyName = "phone_key";
constexpr std::size_t kKeyBytes = 32;

using Bytes = std::vector<std::uint8_t>;

Result<Bytes> unhex(const std::string& text) {
  auto bytes = from_hex(text);
  if (!bytes || bytes->size() != kKeyBytes) return Error::corrupt("the phone key is damaged");
  return *bytes;
}

// The ledger's phone key, or nothing before the first number was attached.
Result<std::optional<Bytes>> read_key(Database& db) {
  auto stmt = db.cached("SELECT value FROM meta WHERE key = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, std::string_view(kKeyName));
  auto row = (*stmt)->step();
  if (!row.ok()) return row.error();
  if (!*row) {
    (*stmt)->reset();
    return std::optional<Bytes>();
  }
  const std::string text = (*stmt)->column_text(0);
  (*stmt)->reset();
  auto key = unhex(text);
  if (!key.ok()) return key.error();
  return std::optional<Bytes>(std::move(*key));
}

// Inside the caller's transaction.
Result<Bytes> key_for_writing(Database& db) {
  auto key = read_key(db);
  if (!key.ok()) return key.error();
  if (*key) return **key;
  Bytes made(kKeyBytes);
  if (RAND_bytes(made.data(), static_cast<int>(made.size())) != 1) {
    return Error::internal("the system's random source failed");
  }
  auto stmt = db.cached("INSERT INTO meta(key, value) VALUES (?1, ?2)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, std::string_view(kKeyName)).bind(2, to_hex(made));
  LOYALPOS_TRY((*stmt)->run());
  return made;
}

Result<Bytes> phone_hash(const Bytes& key, const std::string& normal) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(normal.data()), normal.size(), out.data(),
           &size) == nullptr) {
    return Error::internal("HMAC-SHA256 failed");
  }
  out.resize(size);
  return out;
}

// What the key signs in every card.phone event, so audit can tell the key
// in meta is the one the hashes were made with.
constexpr const char* kKeyCheckText = "loyalpos phone key check";

Result<std::string> key_check(const Bytes& key) {
  auto check = phone_hash(key, kKeyCheckText);
  if (!check.ok()) return check.error();
  check->resize(8);
  return to_hex(*check);
}

Error no_card() { return Error::not_found("no card"); }

}  // namespace

Result<std::string> normalize_phone(std::string_view text) {
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return Error::invalid(
          "a phone number holds only digits, spaces, '-', '(', ')' and a leading '+' "
          "(e.g. +7 999 123-45-67 or 8 999 123-45-67)");
    }
  }
  if (!plus && digits.size() == 11 && (digits[0] == '8' || digits[0] == '7')) {
    return "+7" + digits.substr(1);
  }
  if (!plus && digits.size() == 10) return "+7" + digits;
  if (plus && digits.size() >= 8 && digits.size() <= 15 &&
      (digits[0] != '7' || digits.size() == 11)) {
    return "+" + digits;
  }
  return Error::invalid(
      "that is not a whole phone number: give it as +7 999 123-45-67 or 8 999 123-45-67 "
      "(another country: + and its code)");
}

Status attach_phone(Ledger& ledger, const Card& card, std::string_view phone,
                    std::int64_t consented_at) {
  auto normal = normalize_phone(phone);
  if (!normal.ok()) return normal.error();
  Database& db = ledger.db();
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  auto key = key_for_writing(db);
  if (!key.ok()) return key.error();
  auto hash = phone_hash(*key, *normal);
  if (!hash.ok()) return hash.error();
  auto check = key_check(*key);
  if (!check.ok()) return check.error();

  auto owner = db.cached("SELECT card_id FROM card_phones WHERE phone_hash = ?1");
  if (!owner.ok()) return owner.error();
  (*owner)->bind(1, *hash);
  auto row = (*owner)->step();
  if (!row.ok()) return row.error();
  const std::string owner_id = *row ? (*owner)->column_text(0) : "";
  (*owner)->reset();
  if (!owner_id.empty() && owner_id != card.card_id) {
    return Error::conflict("this phone number is already on another card (one card per number)");
  }
  // The card's old number, if any, gives way to the new one.
  auto drop = db.cached("DELETE FROM card_phones WHERE card_id = ?1");
  if (!drop.ok()) return drop.error();
  (*drop)->bind(1, card.card_id);
  LOYALPOS_TRY((*drop)->run());
  auto insert =
      db.cached("INSERT INTO card_phones(phone_hash, card_id, consented_at) VALUES (?1, ?2, ?3)");
  if (!insert.ok()) return insert.error();
  (*insert)->bind(1, *hash).bind(2, card.card_id).bind(3, consented_at);
  LOYALPOS_TRY((*insert)->run());

  // The keyed hash, not the number: audit checks the table against it.
  auto seq = append_event(db, ledger.terminal().terminal_id,
                          card_phone_event(card.card_id, consented_at, to_hex(*hash), *check));
  if (!seq.ok()) return seq.error();
  return tx->commit();
}

Result<Card> find_card_by_phone(Ledger& ledger, std::string_view phone) {
  auto normal = normalize_phone(phone);
  if (!normal.ok()) return normal.error();
  Database& db = ledger.db();
  auto key = read_key(db);
  if (!key.ok()) return key.error();
  if (!*key) return no_card();
  auto hash = phone_hash(**key, *normal);
  if (!hash.ok()) return hash.error();
  auto stmt = db.cached("SELECT card_id FROM card_phones WHERE phone_hash = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, *hash);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.error();
  const std::string card_id = *row ? (*stmt)->column_text(0) : "";
  (*stmt)->reset();
  if (card_id.empty()) return no_card();
  auto card = ledger.find_card_by_id(card_id);
  if (!card.ok()) return card.error();
  if (!*card) return no_card();
  return **card;
}

Result<std::optional<std::string>> phone_key_check(Ledger& ledger) {
  auto key = read_key(ledger.db());
  if (!key.ok()) return key.error();
  if (!*key) return std::optional<std::string>();
  auto check = key_check(**key);
  if (!check.ok()) return check.error();
  return std::optional<std::string>(*check);
}

}  // namespace loyalpos::pos
