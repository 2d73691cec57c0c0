// The sync story end to end, all real processes on loopback: head office
// (`journeyd`) and two terminals (`loyalpos`). A card issued on the first
// terminal is used on the second while head office is down; once it is up
// and both have synced, both terminals show the same stamps and visits, head
// office holds every event of both once, and both ledgers audit clean.
#include <gtest/gtest.h>

#include "sync/store/store.h"
#include "tests/journeyd/journeyd_process.h"
#include "tests/journeyd/till.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::journeyd {
namespace {

TEST(TwoShops, ACardUsedInTwoShopsWhileHeadOfficeIsDownAgreesEverywhereAfterSync) {
  testing::TempDir tmp("two-shops");
  ASSERT_TRUE(tmp.ok());
  const std::string data = tmp.file("data");
  const std::string listen = "127.0.0.1:" + std::to_string(free_port());
  ASSERT_EQ(run_journeyd({"init", "--data", data, "--listen", listen}).status, 0);
  for (const char* till : {"till-1", "till-2"}) {
    const auto r = run_journeyd({"enroll", "--data", data, "--store", "Main St", "--terminal", till,
                                 "--out", tmp.file(std::string(till) + ".json")});
    ASSERT_EQ(r.status, 0) << r.out;
  }

  Till first("till-1"), second("till-2");
  auto issued = first.run({"card", "issue"});
  ASSERT_EQ(issued.code, 0) << issued.err;
  const std::string token = issued.json()["token"];
  ASSERT_EQ(first.run({"sale", "--card", token, "CROISSANT*2"}).code, 0);

  // Head office is down: the second till still sells to the card it never
  // saw, and a sync fails cleanly and says why.
  auto offline = second.run({"sale", "--card", token, "CROISSANT"});
  ASSERT_EQ(offline.code, 0) << offline.err;
  auto enrolled = second.run({"enroll", tmp.file("till-2.json")});
  EXPECT_EQ(enrolled.code, 1);
  EXPECT_NE(enrolled.err.find("head office did not take this terminal yet"), std::string::npos)
      << enrolled.err;
  auto failed = second.run({"sync"});
  EXPECT_EQ(failed.code, 1);
  auto status = second.run({"sync", "status"});
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_FALSE(status.json()["last_error"].is_null());
  EXPECT_EQ(status.json()["acknowledged"], 0);

  Server server(data, "", listen);
  ASSERT_NE(server.port(), 0) << server.first_line();
  auto joined = first.run({"enroll", tmp.file("till-1.json")});
  ASSERT_EQ(joined.code, 0) << joined.err;
  for (int round = 0; round < 2; ++round) {  // the second round pulls what the other pushed
    for (const Till* till : {&first, &second}) {
      auto synced = till->run({"sync"});
      ASSERT_EQ(synced.code, 0) << synced.err;
      EXPECT_EQ(synced.json()["unsent"], 0);
    }
  }

  const auto on_first = first.card(token), on_second = second.card(token);
  EXPECT_EQ(on_first["programs"][0]["stamps"], 3) << on_first.dump();
  EXPECT_EQ(on_second["programs"][0]["stamps"], 3) << on_second.dump();
  EXPECT_EQ(on_first["visits"], 2);
  EXPECT_EQ(on_second["visits"], 2);

  // Head office holds every event of both terminals, once.
  auto store = sync::make_store("sqlite:" + data + "/journey.db");
  ASSERT_TRUE(store.ok()) << store.error().message();
  auto held = (*store)->count_events();
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(*held, first.events() + second.events());
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace loyalpos::journeyd
