#include "pos/ledger/phone_lookup.h"

#include <fstream>
#include <iterator>

#include "pos/ledger/audit.h"
#include "pos_fixture.h"

namespace loyalpos::pos {
namespace {

using testing::LedgerTest;
using testing::TempDir;

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(NormalizePhone, RussianNumbersInEveryUsualFormAreOneNumber) {
  for (const char* typed : {"+7 999 123-45-67", "8 999 1234567", "89991234567", "8 (999) 123-45-67",
                            "79991234567", "999 123 45 67", "+7(999)123.45.67"}) {
    auto normal = normalize_phone(typed);
    ASSERT_TRUE(normal.ok()) << typed << ": " << normal.error().message();
    EXPECT_EQ(*normal, "+79991234567") << typed;
  }
  EXPECT_EQ(*normalize_phone("+44 20 7946 0958"), "+442079460958");
}

TEST(NormalizePhone, WhatIsNotANumberIsRefusedWithoutRepeatingIt) {
  for (const char* typed : {"", "12345", "+7 555 123", "8 555 123 45 678", "555-CAFE-123", "+1",
                            "85551234567 ext 5", "++75551234567"}) {
    auto normal = normalize_phone(typed);
    ASSERT_FALSE(normal.ok()) << typed;
    EXPECT_EQ(normal.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(normal.error().message().find("555"), std::string::npos) << normal.error().message();
  }
}

class PhoneLookupTest : public LedgerTest {
 protected:
  std::int64_t events(const std::string& type) {
    auto stmt = ledger_->db().prepare("SELECT COUNT(*) FROM events WHERE type = ?1");
    EXPECT_TRUE(stmt.ok());
    stmt->bind(1, type);
    EXPECT_TRUE(stmt->step().ok());
    return stmt->column_int(0);
  }
};

TEST_F(PhoneLookupTest, AttachedWithConsentTheNumberFindsTheCard) {
  const Card card = new_card();
  ASSERT_TRUE(attach_phone(*ledger_, card, "+7 999 123-45-67", 1795430000).ok());
  for (const char* typed : {"89991234567", "8 999 1234567", "+79991234567"}) {
    auto found = find_card_by_phone(*ledger_, typed);
    ASSERT_TRUE(found.ok()) << typed << ": " << found.error().message();
    EXPECT_EQ(found->card_id, card.card_id);
  }
  // The consent is on the journey, with its time and without the number.
  auto stmt =
      ledger_->db().prepare("SELECT at, card_id, payload FROM events WHERE type = 'card.phone'");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->step());
  EXPECT_EQ(stmt->column_int(0), 1795430000);
  EXPECT_EQ(stmt->column_text(1), card.card_id);
  // No form of the number (its hash, in hex, may hold any short run of digits).
  for (const char* form : {"9991234567", "123-45-67", "1234567"}) {
    EXPECT_EQ(stmt->column_text(2).find(form), std::string::npos) << stmt->column_text(2);
  }
  EXPECT_NE(stmt->column_text(2).find("\"consented_at\":1795430000"), std::string::npos);
  auto audit = audit_ledger(*ledger_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

TEST_F(PhoneLookupTest, TheNumberIsKeptOnlyAsAKeyedHashNeverInTheFile) {
  const Card card = new_card();
  ASSERT_TRUE(attach_phone(*ledger_, card, "8 999 123-45-67", 1795430000).ok());
  auto stmt = ledger_->db().prepare("SELECT phone_hash FROM card_phones");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->step());
  const auto hash = stmt->column_blob(0);
  stmt->reset();
  EXPECT_EQ(hash.size(), 32u);
  for (const char* form : {"+79991234567", "89991234567", "79991234567", "9991234567"}) {
    EXPECT_NE(std::string(hash.begin(), hash.end()), form);
  }
  // Another ledger, another key: the same number hashes differently.
  TempDir other;
  auto second = Ledger::create(other.file("ledger.db"),
                               InitRequest{"Café", "c2", "RUB", *random_terminal_id(), 1000}, 5000);
  ASSERT_TRUE(second.ok());
  auto other_card = second->issue_card(*random_card_id(), 1000);
  ASSERT_TRUE(attach_phone(*second, *other_card, "89991234567", 1000).ok());
  auto other_hash = second->db().prepare("SELECT phone_hash FROM card_phones");
  ASSERT_TRUE(*other_hash->step());
  EXPECT_NE(other_hash->column_blob(0), hash);

  // No form of the number anywhere in the ledger's bytes, WAL included.
  ASSERT_TRUE(find_card_by_phone(*ledger_, "+7 999 123 45 67").ok());
  for (const std::string& file : {path(), path() + "-wal"}) {
    const std::string bytes = file_bytes(file);
    for (const char* form : {"9991234567", "999 123", "999-123", "123-45-67", "1234567"}) {
      EXPECT_EQ(bytes.find(form), std::string::npos) << file << " holds " << form;
    }
  }
  EXPECT_TRUE(ledger_->db().exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  EXPECT_EQ(file_bytes(path()).find("9991234567"), std::string::npos);
}

TEST_F(PhoneLookupTest, OneCardPerNumberAndOneNumberPerCard) {
  const Card first = new_card();
  const Card second = new_card();
  ASSERT_TRUE(attach_phone(*ledger_, first, "89991234567", 1795430000).ok());
  auto taken = attach_phone(*ledger_, second, "+7 999 123 45 67", 1795430100);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code(), ErrorCode::kConflict);
  EXPECT_NE(taken.error().message().find("already on another card"), std::string::npos);
  EXPECT_EQ(find_card_by_phone(*ledger_, "89991234567")->card_id, first.card_id);
  EXPECT_EQ(events("card.phone"), 1);  // the refused one changed nothing
  EXPECT_EQ(count("card_phones"), 1);

  // A new number replaces the card's old one.
  ASSERT_TRUE(attach_phone(*ledger_, first, "89160000000", 1795430200).ok());
  EXPECT_EQ(find_card_by_phone(*ledger_, "89160000000")->card_id, first.card_id);
  EXPECT_EQ(find_card_by_phone(*ledger_, "89991234567").error().message(), "no card");
  ASSERT_TRUE(attach_phone(*ledger_, second, "89991234567", 1795430300).ok());
  EXPECT_EQ(find_card_by_phone(*ledger_, "89991234567")->card_id, second.card_id);
  EXPECT_EQ(count("card_phones"), 2);
  EXPECT_EQ(events("card.phone"), 3);
  auto audit = audit_ledger(*ledger_);
  EXPECT_TRUE(audit.ok()) << audit.error().message();
}

TEST_F(PhoneLookupTest, AWrongNumberSaysNoCardAndNothingElse) {
  auto before_any = find_card_by_phone(*ledger_, "89991234567");
  ASSERT_FALSE(before_any.ok());
  EXPECT_EQ(before_any.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(before_any.error().message(), "no card");
  ASSERT_TRUE(attach_phone(*ledger_, new_card(), "89991234567", 1795430000).ok());
  auto wrong = find_card_by_phone(*ledger_, "89991234568");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message(), "no card");
  auto malformed = attach_phone(*ledger_, new_card(), "12", 1795430000);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(events("card.phone"), 1);
}

}  // namespace
}  // namespace loyalpos::pos
