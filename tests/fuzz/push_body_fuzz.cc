// Differential fuzzing of journeyd's push body reader (sync/wire/push_body.h)
// against the nlohmann path it replaced (tests/wire/push_body_reference.h):
// on any bytes both must refuse the body, or read the same terminal, the same
// events and the same first event error. Aborts on the first disagreement.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "sync/wire/push_body.h"
#include "tests/wire/push_body_reference.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace loyalpos::sync;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto want = testing::reference_read_push_body(body);
  const auto got = read_push_body(body);
  if (!testing::same_decision(want, got)) {
    std::fprintf(stderr, "push_body_fuzz: the readers disagree\n nlohmann:  %s\n push_body: %s\n",
                 testing::describe(want).c_str(), testing::describe(got).c_str());
    std::abort();
  }
  return 0;
}
