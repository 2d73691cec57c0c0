// sync/reports/sale_lines.h: a sale's lines as the promotions report counts
// them, beside what a full parse of the same list says.
#include "sync/reports/sale_lines.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace loyalpos::reports {
namespace {

TEST(SaleLines, ReadsWhatTheTerminalWrites) {
  const auto lines = sale_lines(
      R"([{"category":"pastry","discount":125,"name":"Croissant","qty":2,"reason":"x",)"
      R"("sku":"CROISSANT","unit_price":250},{"category":"выпечка","discount":0,"name":"Кофе",)"
      R"("qty":1,"reason":"","sku":"KOFE","unit_price":180}])");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].sku, "CROISSANT");
  EXPECT_EQ(lines[0].category, "pastry");
  EXPECT_EQ(lines[0].qty, 2);
  EXPECT_EQ(lines[0].net, 2 * 250 - 125);
  EXPECT_EQ(lines[1].category, "выпечка");
  EXPECT_EQ(lines[1].net, 180);
}

TEST(SaleLines, EscapesNumbersOfOtherShapesAndOtherTypes) {
  const auto lines =
      sale_lines(R"([{"sku":"A\"B\u0436","category":7,"qty":2.9,"unit_price":1e2,"discount":null},)"
                 R"(3,"x",{"qty":1,"qty":4,"unit_price":10},{}])");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].sku, nlohmann::json::parse(R"("A\"B\u0436")").get<std::string>());
  EXPECT_EQ(lines[0].category, "");  // a number where a string belongs: absent
  EXPECT_EQ(lines[0].qty, 2);        // a number's whole part
  EXPECT_EQ(lines[0].net, 200);
  EXPECT_EQ(lines[1].qty, 4);  // the last of a repeated key
  EXPECT_EQ(lines[1].net, 40);
  EXPECT_EQ(lines[2].qty, 0);
  EXPECT_EQ(lines[2].sku, "");
}

TEST(SaleLines, TextThatIsNotAListHasNone) {
  for (const char* text : {"", "[]", "{}", "null", "[{\"qty\":1}", "[{\"qty\":1},]", "[1 2]"}) {
    EXPECT_TRUE(sale_lines(text).empty()) << text;
  }
}

TEST(SaleLines, AnOverflowingLineCountsNothing) {
  const auto lines = sale_lines(R"([{"sku":"A","qty":9000000000000,"unit_price":9000000000000}])");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].qty, 0);
  EXPECT_EQ(lines[0].net, 0);
}

}  // namespace
}  // namespace loyalpos::reports
