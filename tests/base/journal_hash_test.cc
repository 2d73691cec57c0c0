// The chain's hash, checked against vectors computed independently (Python's
// hashlib over the bytes docs/ledger.md spells out), so the terminal and head
// office can never drift apart from the documented format.
#include "base/journal_hash.h"

#include <gtest/gtest.h>

namespace loyalpos {
namespace {

constexpr const char* kTerminal = "0123456789abcdef0123456789abcdef";

TEST(JournalHash, MatchesTheDocumentedBytes) {
  const JournalHash first = journal_event_hash(
      JournalHash(32, 0), kTerminal, 1, "terminal.initialized", 1795430000, "", std::nullopt,
      R"({"currency":"RUB","store":"Café","terminal":"counter-1"})");
  EXPECT_EQ(to_hex(first), "5f6fb13dffdb9476c88a4df04f7548c660eac325cf81ba553899ede3f0824402");
  const JournalHash second = journal_event_hash(first, kTerminal, 2, "sale.completed", 1795430060,
                                                "c1", 1, R"({"sale":1})");
  EXPECT_EQ(to_hex(second), "b935a40840475a3699bef88678efd22fd42f785f3d48c3f284a7d4b4e7481e00");
}

TEST(JournalHash, EveryFieldCounts) {
  const JournalHash zero(32, 0);
  const auto base = journal_event_hash(zero, kTerminal, 2, "t", 5, "c", 3, "{}");
  EXPECT_NE(base, journal_event_hash(zero, kTerminal, 3, "t", 5, "c", 3, "{}"));
  EXPECT_NE(base, journal_event_hash(zero, kTerminal, 2, "t", 6, "c", 3, "{}"));
  EXPECT_NE(base, journal_event_hash(zero, kTerminal, 2, "t", 5, "", 3, "{}"));
  EXPECT_NE(base, journal_event_hash(zero, kTerminal, 2, "t", 5, "c", std::nullopt, "{}"));
  // Length prefixes: moving a byte from one field to the next changes the hash.
  EXPECT_NE(journal_event_hash(zero, "ab", 1, "c", 1, "", std::nullopt, ""),
            journal_event_hash(zero, "a", 1, "bc", 1, "", std::nullopt, ""));
}

TEST(JournalHash, HexRoundTripsAndRefusesWhatIsNotHex) {
  const JournalHash bytes{0x00, 0x7f, 0xa0, 0xff};
  EXPECT_EQ(to_hex(bytes), "007fa0ff");
  EXPECT_EQ(from_hex("007fa0ff"), bytes);
  EXPECT_EQ(from_hex("007FA0FF"), bytes);
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

}  // namespace
}  // namespace loyalpos
