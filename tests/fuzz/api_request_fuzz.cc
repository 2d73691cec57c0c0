// Fuzzes the endpoints of `loyalpos serve` behind the HTTP layer (which
// http_request_fuzz covers): a request's method, path and body go to the
// real ApiService over a real ledger (the sample café, on /dev/shm). It must
// never crash or throw; every answer has a status of 200..599 and is JSON
// (but the counter page's own files); and a request answered with an error
// records nothing (the journal's last seq is unchanged).
//
// Input: the first byte picks the method (GET, POST, PUT, DELETE), the rest
// of the first line is the path, what follows the first newline is the body.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "pos/api/api_service.h"
#include "pos/config/config.h"
#include "pos/ledger/catalog_csv.h"
#include "pos/ledger/random.h"

namespace {

using namespace loyalpos;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "api_request_fuzz: %s: '%.*s'\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

struct World {
  pos::Config config;
  std::optional<pos::FixedClock> clock;
  std::optional<pos::Ledger> ledger;
  std::unique_ptr<api::ApiService> service;

  World() {
    const std::string dir =
        (std::filesystem::exists("/dev/shm") ? std::string("/dev/shm") : std::string("/tmp")) +
        "/loyalpos-api-fuzz-" + std::to_string(getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    config = *pos::parse_config(pos::default_config_text(), "built-in");
    clock.emplace(1795430000, TimeZone::utc());
    auto made = pos::Ledger::create(
        dir + "/ledger.db",
        pos::InitRequest{"Café", "fuzz", "RUB", *pos::random_terminal_id(), 1795430000}, 1000);
    if (!made.ok()) fail("cannot make the ledger", made.error().message());
    ledger.emplace(std::move(*made));
    auto products = pos::parse_catalog_csv(pos::default_catalog_csv(), pos::kDefaultCurrency);
    if (!products.ok() || !ledger->import_products(*products).ok()) fail("no catalog", "");
    api::ApiOptions options;
    options.scan = {config.card_base_url, "", ""};
    options.max_quotes = 16;
    service = std::make_unique<api::ApiService>(*ledger, config.rules, *clock, std::move(options));
  }

  std::int64_t last_seq() {
    auto stmt = ledger->db().prepare("SELECT COALESCE(MAX(seq), 0) FROM events");
    if (!stmt.ok() || !stmt->step().ok()) fail("cannot read the journal", "");
    return stmt->column_int(0);
  }
};

World& world() {
  static World w;
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 8192) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static constexpr const char* kMethods[] = {"GET", "POST", "PUT", "DELETE"};
  api::HttpRequest request;
  request.method = kMethods[static_cast<unsigned char>(input[0]) % 4];
  const auto newline = input.find('\n');
  request.target = std::string(
      input.substr(1, newline == std::string_view::npos ? std::string_view::npos : newline - 1));
  if (newline != std::string_view::npos) request.body = std::string(input.substr(newline + 1));
  request.headers.emplace_back("content-type", "application/json");

  World& w = world();
  const std::int64_t before = w.last_seq();
  api::HttpResponse response;
  try {
    response = w.service->handle(request);
  } catch (const std::exception& e) {
    fail("the service threw", e.what());
  }
  if (response.status < 200 || response.status > 599) fail("status out of range", request.target);
  // (The counter page's own files are HTML, CSS and script.)
  if (response.content_type == "application/json" &&
      nlohmann::json::parse(response.body, nullptr, false).is_discarded()) {
    fail("an answer that is not JSON", response.body);
  }
  if (response.status >= 400 && w.last_seq() != before) {
    fail("a refused request recorded something", response.body);
  }
  return 0;
}
