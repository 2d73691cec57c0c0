// journeyd's commands (docs/journeyd.md), each a plain function over plain
// options so main.cc only parses the command line. Every command prints what
// it did to `out` and returns its exit code; errors go to `err`.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace loyalpos::journeyd {

// DIR/journeyd.toml, read into plain data.
struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8443;
  std::string store_url;   // default "sqlite:DIR/journey.db"
  std::string public_url;  // what enrollment bundles tell terminals
};

// "HOST:PORT" or "[v6]:PORT"; kInvalidInput otherwise.
Result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text);
Result<Config> read_config(const std::string& dir);

struct InitOptions {
  std::string dir;
  std::string listen = "127.0.0.1:8443";
  std::string store_url;   // empty: sqlite:DIR/journey.db
  std::string public_url;  // empty: https://LISTEN
};
int init(const InitOptions& o, std::ostream& out, std::ostream& err);

struct ServeOptions {
  std::string dir = "/var/lib/journeyd";
  std::string listen;     // empty: the config's
  std::string store_url;  // empty: the config's
};
int serve(const ServeOptions& o, std::ostream& out, std::ostream& err);

struct EnrollOptions {
  std::string dir;
  std::string store_name;
  std::string terminal_name;
  std::string out_file;
};
int enroll(const EnrollOptions& o, std::ostream& out, std::ostream& err);

struct RevokeOptions {
  std::string dir;
  std::string terminal_name;
  std::string store_name;  // empty: every store's terminal of that name
};
int revoke(const RevokeOptions& o, std::ostream& out, std::ostream& err);

struct PublishOptions {
  std::string dir;
  std::string file;
  std::string kind;  // empty: from the file's extension (.toml rules, .csv catalog)
};
int publish(const PublishOptions& o, std::ostream& out, std::ostream& err);

}  // namespace loyalpos::journeyd
