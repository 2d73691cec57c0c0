// sync/store/json_members.h: the raw text of top-level members of a JSON
// object, as the PostgreSQL store's sales read takes a sale's promotions and
// lines out of its payload.
#include "sync/store/json_members.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loyalpos::sync::detail {
namespace {

struct Found {
  bool ok = false;
  std::string promotions, lines;
};

Found members(std::string_view json) {
  static constexpr std::string_view kKeys[] = {"promotions", "lines"};
  std::string_view values[2];
  Found f;
  f.ok = json_members(json, kKeys, values, 2);
  f.promotions = std::string(values[0]);
  f.lines = std::string(values[1]);
  return f;
}

TEST(JsonMembers, TakesTheRawTextOfTopLevelMembers) {
  const Found f = members(
      R"({"card":"C1","codes":[{"code":"A\"}","source":"x"}],"lines":[{"name":"Кофе","qty":2,)"
      R"("nested":{"promotions":[9]}}],"messages":[],"promotions":["p1","p2"],"total":-1.5e2,)"
      R"("ok":true,"none":null})");
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.promotions, R"(["p1","p2"])");
  EXPECT_EQ(f.lines, R"([{"name":"Кофе","qty":2,"nested":{"promotions":[9]}}])");
}

TEST(JsonMembers, AbsentMembersAreEmptyAndSpacesAreAllowed) {
  Found f = members(" { \"lines\" : [ 1 , 2 ] , \"x\" : \"\\u00e9\\n\" } ");
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.lines, "[ 1 , 2 ]");
  EXPECT_EQ(f.promotions, "");
  f = members("{}");
  ASSERT_TRUE(f.ok);
  EXPECT_EQ(f.lines, "");
  EXPECT_EQ(members(R"({"promotions":null})").promotions, "null");
}

TEST(JsonMembers, RefusesWhatIsNotOneObject) {
  for (const char* bad : {"", "[]", "x", "{", "{\"a\":1", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":[1,2}",
                          "{\"a\":\"x}", "{\"a\":\"\\q\"}", "{\"a\":\"\\u12\"}", "{\"a\":1} {}",
                          "{a:1}", "{\"a\":}", "{\"a\":\"tab\there\"}"}) {
    EXPECT_FALSE(members(bad).ok) << bad;
  }
}

// What the sales read gets from payloads the terminal writes: the same
// values nlohmann reads from the whole document.
TEST(JsonMembers, AgreesWithAFullParseOnSalePayloads) {
  const std::string payload =
      R"({"card":null,"cashier":"Ann","codes":[],"currency":"EUR","discount":125,"free_units":0,)"
      R"("lines":[{"category":"pastry","discount":125,"name":"Croissant","qty":1,)"
      R"("reason":"weekend-pastry","sku":"CROISSANT","unit_price":250}],"local_date":"2026-01-10",)"
      R"("messages":[],"payment":"card","promotions":["weekend-pastry"],"sale":7,)"
      R"("stamps_earned":0,"subtotal":250,"total":125})";
  const Found f = members(payload);
  ASSERT_TRUE(f.ok);
  const auto doc = nlohmann::json::parse(payload);
  EXPECT_EQ(nlohmann::json::parse(f.promotions), doc["promotions"]);
  EXPECT_EQ(nlohmann::json::parse(f.lines), doc["lines"]);
  EXPECT_EQ(f.lines, doc["lines"].dump());
}

std::vector<std::string> elements(std::string_view json, bool* ok) {
  std::vector<std::string> out;
  *ok = json_elements(json, [&](std::string_view e) { out.emplace_back(e); });
  return out;
}

TEST(JsonElements, HandsOverEachElementsRawText) {
  bool ok = false;
  EXPECT_EQ(elements(R"( [ {"a":[1,"]"]} , "x\"y" ,3, null,[ ] ] )", &ok),
            (std::vector<std::string>{R"({"a":[1,"]"]})", R"("x\"y")", "3", "null", "[ ]"}));
  EXPECT_TRUE(ok);
  EXPECT_TRUE(elements("[]", &ok).empty());
  EXPECT_TRUE(ok);
}

TEST(JsonElements, RefusesWhatIsNotOneArray) {
  for (const char* bad : {"", "{}", "[", "[1,]", "[1 2]", "[1]]", "[\"x]", "[1] []"}) {
    bool ok = true;
    elements(bad, &ok);
    EXPECT_FALSE(ok) << bad;
  }
}

}  // namespace
}  // namespace loyalpos::sync::detail
