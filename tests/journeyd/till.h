// A terminal for the end-to-end sync tests: its own home, run through the
// test build of `loyalpos` (which reads LOYALPOS_NOW) with --json; and a
// loopback port for head office to take.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/e2e/cli_runner.h"

namespace loyalpos::journeyd {

// A port free a moment ago: head office's address goes into the enrollment
// bundles before it listens.
inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t size = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size);
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

class Till {
 public:
  explicit Till(const std::string& name) {
    cli_.set_env("LOYALPOS_NOW", "2026-11-23T10:00:00");
    auto r = cli_.run({"init", "--store", "Café", "--terminal", name, "--sample-catalog"});
    EXPECT_EQ(r.code, 0) << r.err;
  }
  e2e::CliResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    return cli_.run(args);
  }
  nlohmann::json card(const std::string& token) const {
    auto r = run({"card", "show", token});
    EXPECT_EQ(r.code, 0) << r.err;
    return r.code == 0 ? r.json() : nlohmann::json();
  }
  std::int64_t events() const {
    auto r = run({"audit"});
    EXPECT_EQ(r.code, 0) << r.err;
    return r.code == 0 ? r.json()["events"].get<std::int64_t>() : -1;
  }

 private:
  e2e::Cli cli_;
};

}  // namespace loyalpos::journeyd
