// sync/reports/card_table.h: per-card state by id, as std::unordered_map
// would keep it.
#include "sync/reports/card_table.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_map>

namespace loyalpos::reports {
namespace {

TEST(CardTable, KeepsOneStatePerIdThroughGrowth) {
  CardTable<int> table;
  std::unordered_map<std::string, int> expected;
  EXPECT_EQ(table.find("nobody"), nullptr);
  // Past several doublings of the 1024 first slots, ids of every length.
  for (int i = 0; i < 20000; ++i) {
    const std::string id = i % 3 == 0 ? std::to_string(i) : "card-" + std::to_string(i * 7919);
    table[id] += i;
    expected[id] += i;
    if (i % 5 == 0) {  // seen again
      table[id] += 1;
      expected[id] += 1;
    }
  }
  ASSERT_EQ(table.size(), expected.size());
  for (const auto& [id, value] : expected) {
    const int* found = table.find(id);
    ASSERT_NE(found, nullptr) << id;
    EXPECT_EQ(*found, value) << id;
  }
  EXPECT_EQ(table.find("card-1"), nullptr);
  EXPECT_EQ(table.find(""), nullptr);
}

TEST(CardTable, PositionsHoldAndNameTheirIds) {
  CardTable<std::string> table;
  const std::size_t a = table.position("A");
  table.at(a) = "first";
  for (int i = 0; i < 5000; ++i) table.position("x" + std::to_string(i));
  EXPECT_EQ(table.position("A"), a);
  EXPECT_EQ(table.id(a), "A");
  EXPECT_EQ(table.at(a), "first");
  EXPECT_EQ(table.states().size(), table.size());
  table[""] = "the empty id is an id";
  EXPECT_EQ(*table.find(""), "the empty id is an id");
}

}  // namespace
}  // namespace loyalpos::reports
