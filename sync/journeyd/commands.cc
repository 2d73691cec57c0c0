#include "sync/journeyd/commands.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>
#include <vector>

#include "net/http_server.h"
#include "sync/journeyd/pki.h"
#include "sync/journeyd/publish_check.h"
#include "sync/journeyd/service.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The data folder's files.
std::string path(const std::string& dir, const char* name) { return dir + "/" + name; }
constexpr const char* kConfig = "journeyd.toml";
constexpr const char* kCaKey = "ca.key";
constexpr const char* kCaCert = "ca.pem";
constexpr const char* kServerKey = "server.key";
constexpr const char* kServerCert = "server.pem";
// terminal name -> enrollment ids, for `revoke --terminal NAME`.
constexpr const char* kEnrollments = "enrollments.json";

// Every terminal of a chain keeps its keep-alive connection open while it
// syncs: net's default (64, for one counter's loopback API) would turn the
// 65th terminal away with 503. Each connection is a file descriptor.
constexpr std::size_t kMaxConnections = 1000;

Result<std::string> read_text(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::io("cannot read " + file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Written whole to a temporary file with `mode`, synced, then renamed into
// place: a crash leaves the old file or the new one.
Status write_file(const std::string& file, const std::string& text, mode_t mode) {
  const std::string tmp = file + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error::io("cannot write " + file);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      return Error::io("cannot write " + file);
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
  if (::close(fd) != 0 || !synced || std::rename(tmp.c_str(), file.c_str()) != 0) {
    return Error::io("cannot write " + file);
  }
  return ok_status();
}

int fail(std::ostream& err, const Error& e) {
  err << "journeyd: " << e.message() << "\n";
  return e.code() == ErrorCode::kInvalidInput ? 2 : 1;
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// The host of "https://HOST[:PORT][/…]".
std::string host_of_url(const std::string& url) {
  std::string rest = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  if (!rest.empty() && rest.front() == '[') return rest.substr(1, rest.find(']') - 1);
  return rest.substr(0, rest.find(':'));
}

// Raises the soft limit of open files towards `wanted` (no further than the
// hard limit): the usual soft default, 1024, is about kMaxConnections.
void allow_open_files(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  (void)::setrlimit(RLIMIT_NOFILE, &limit);
}

Result<std::unique_ptr<sync::Store>> open_store(const Config& c) {
  auto store = sync::make_store(c.store_url);
  if (!store.ok()) return store.error().with_context("store " + c.store_url + ": ");
  return store;
}

Result<KeyPair> read_ca(const std::string& dir) {
  auto key = read_text(path(dir, kCaKey));
  if (!key.ok()) return key.error();
  auto cert = read_text(path(dir, kCaCert));
  if (!cert.ok()) return cert.error();
  return KeyPair{*key, *cert};
}

Result<json> read_enrollments(const std::string& dir) {
  const std::string file = path(dir, kEnrollments);
  if (!fs::exists(file)) return json::array();
  auto text = read_text(file);
  if (!text.ok()) return text.error();
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return Error::corrupt(file + " is not a JSON array");
  return j;
}

}  // namespace

Result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error::invalid("listen address \"" + text + "\" is not HOST:PORT");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return Error::invalid("listen address \"" + text + "\": the port must be 0 to 65535");
  }
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

Result<Config> read_config(const std::string& dir) {
  const std::string file = path(dir, kConfig);
  toml::table t;
  try {
    t = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    if (!fs::exists(file)) return Error::not_found(file + " is missing: run journeyd init first");
    return Error::invalid(file + ": " + std::string(e.description()));
  }
  Config c;
  const auto listen = t["listen"].value<std::string>();
  const auto store = t["store"].value<std::string>();
  const auto url = t["public_url"].value<std::string>();
  if (!listen || !store || !url) {
    return Error::invalid(file + " needs listen, store and public_url (strings)");
  }
  auto hp = parse_listen(*listen);
  if (!hp.ok()) return hp.error().with_context(file + ": ");
  c.listen_host = hp->first;
  c.listen_port = hp->second;
  c.store_url = *store;
  c.public_url = *url;
  return c;
}

int init(const InitOptions& o, std::ostream& out, std::ostream& err) {
  auto hp = parse_listen(o.listen);
  if (!hp.ok()) return fail(err, hp.error());
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  if (ec || ::chmod(o.dir.c_str(), 0700) != 0) {
    return fail(err, Error::io("cannot create the data folder " + o.dir));
  }
  if (fs::exists(path(o.dir, kCaKey))) {
    return fail(err, Error::conflict(o.dir + " already holds a journeyd CA; init runs once"));
  }
  const std::string dir = fs::canonical(o.dir).string();
  Config c;
  c.listen_host = hp->first;
  c.listen_port = hp->second;
  c.store_url = o.store_url.empty() ? "sqlite:" + path(dir, "journey.db") : o.store_url;
  c.public_url = o.public_url.empty()
                     ? "https://" + url_host(c.listen_host) + ":" + std::to_string(c.listen_port)
                     : o.public_url;

  // The certificate names every host a terminal may dial.
  std::vector<std::string> hosts = {"127.0.0.1", "localhost"};
  for (const std::string& h : {c.listen_host, host_of_url(c.public_url)}) {
    if (!h.empty() && h != "0.0.0.0" && h != "::" &&
        std::find(hosts.begin(), hosts.end(), h) == hosts.end()) {
      hosts.push_back(h);
    }
  }
  auto ca = make_ca("journeyd CA");
  if (!ca.ok()) return fail(err, ca.error());
  auto server = make_server_cert(*ca, hosts);
  if (!server.ok()) return fail(err, server.error());
  auto store = open_store(c);  // creates and migrates the schema
  if (!store.ok()) return fail(err, store.error());

  std::ostringstream toml_text;
  toml_text << toml::table{{"listen",
                            url_host(c.listen_host) + ":" + std::to_string(c.listen_port)},
                           {"store", c.store_url},
                           {"public_url", c.public_url}}
            << "\n";
  for (const auto& [file, text, mode] :
       {std::tuple{kCaKey, ca->key_pem, 0600}, std::tuple{kCaCert, ca->cert_pem, 0644},
        std::tuple{kServerKey, server->key_pem, 0600},
        std::tuple{kServerCert, server->cert_pem, 0644},
        std::tuple{kConfig, toml_text.str(), 0600}}) {
    if (Status s = write_file(path(dir, file), text, static_cast<mode_t>(mode)); !s.ok()) {
      return fail(err, s.error());
    }
  }
  out << "journeyd data in " << dir << ": CA, server certificate, " << kConfig << ", store "
      << c.store_url << "\n";
  return 0;
}

int serve(const ServeOptions& o, std::ostream& out, std::ostream& err) {
  auto c = read_config(o.dir);
  if (!c.ok()) return fail(err, c.error());
  if (!o.listen.empty()) {
    auto hp = parse_listen(o.listen);
    if (!hp.ok()) return fail(err, hp.error());
    c->listen_host = hp->first;
    c->listen_port = hp->second;
  }
  if (!o.store_url.empty()) c->store_url = o.store_url;
  auto store = open_store(*c);
  if (!store.ok()) return fail(err, store.error());
  auto tls = net::TlsOptions::from_files(path(o.dir, kServerCert), path(o.dir, kServerKey),
                                         path(o.dir, kCaCert), false);
  if (!tls.ok()) return fail(err, tls.error());

  net::ServerOptions options;
  options.host = c->listen_host;
  options.port = c->listen_port;
  options.max_body = kMaxBody;
  options.max_connections = kMaxConnections;
  allow_open_files(kMaxConnections + 64);  // and the store's, the certificates'...
  options.tls = std::move(*tls);
  Service service(
      **store, [] { return static_cast<std::int64_t>(std::time(nullptr)); }, c->public_url);
  net::HttpServer server(options,
                         [&service](const net::HttpRequest& r) { return service.handle(r); });
  auto port = server.listen();
  if (!port.ok()) return fail(err, port.error());
  out << "listening on https://" << url_host(c->listen_host) << ":" << *port << std::endl;
  if (Status s = server.run_until_signal(); !s.ok()) return fail(err, s.error());
  out << "stopped" << std::endl;
  return 0;
}

int enroll(const EnrollOptions& o, std::ostream& out, std::ostream& err) {
  if (o.store_name.empty() || o.terminal_name.empty()) {
    return fail(err, Error::invalid("enroll needs --store NAME and --terminal NAME"));
  }
  auto c = read_config(o.dir);
  if (!c.ok()) return fail(err, c.error());
  auto ca = read_ca(o.dir);
  if (!ca.ok()) return fail(err, ca.error());
  auto index = read_enrollments(o.dir);
  if (!index.ok()) return fail(err, index.error());
  auto store = open_store(*c);
  if (!store.ok()) return fail(err, store.error());

  const std::string enrollment_id = random_hex(16);
  auto cert = make_client_cert(*ca, enrollment_id, o.store_name);
  if (!cert.ok()) return fail(err, cert.error());
  const json bundle = {{"format", "loyalpos-enrollment"}, {"version", 1},
                       {"server_url", c->public_url},     {"ca_pem", ca->cert_pem},
                       {"cert_pem", cert->pair.cert_pem}, {"key_pem", cert->pair.key_pem},
                       {"store", o.store_name},           {"terminal", o.terminal_name},
                       {"enrollment_id", enrollment_id}};
  // The bundle first: an enrollment in the store nobody holds a key for is
  // harmless; a bundle whose enrollment the store lacks is not usable.
  if (Status s = write_file(o.out_file, bundle.dump(2) + "\n", 0600); !s.ok()) {
    return fail(err, s.error());
  }
  if (Status s = (*store)->add_terminal(o.store_name, o.terminal_name, enrollment_id,
                                        serial_credential(cert->serial_hex));
      !s.ok()) {
    std::remove(o.out_file.c_str());
    return fail(err, s.error());
  }
  index->push_back({{"enrollment_id", enrollment_id},
                    {"store", o.store_name},
                    {"terminal", o.terminal_name},
                    {"serial", cert->serial_hex},
                    {"sha256", cert->fingerprint}});
  if (Status s = write_file(path(o.dir, kEnrollments), index->dump(2) + "\n", 0600); !s.ok()) {
    return fail(err, s.error());
  }
  out << "enrolled terminal " << o.terminal_name << " of " << o.store_name << " as "
      << enrollment_id << "; bundle in " << o.out_file << " (secret: hand it over privately)\n";
  return 0;
}

int revoke(const RevokeOptions& o, std::ostream& out, std::ostream& err) {
  auto c = read_config(o.dir);
  if (!c.ok()) return fail(err, c.error());
  auto index = read_enrollments(o.dir);
  if (!index.ok()) return fail(err, index.error());
  auto store = open_store(*c);
  if (!store.ok()) return fail(err, store.error());
  int revoked = 0;
  for (const json& e : *index) {
    if (e.value("terminal", "") != o.terminal_name) continue;
    if (!o.store_name.empty() && e.value("store", "") != o.store_name) continue;
    const std::string id = e.value("enrollment_id", "");
    if (Status s = revoke_enrollment(**store, id); !s.ok()) return fail(err, s.error());
    out << "revoked enrollment " << id << " (terminal " << o.terminal_name << " of "
        << e.value("store", "") << ")\n";
    ++revoked;
  }
  if (revoked == 0) {
    return fail(err, Error::not_found("no terminal named " + o.terminal_name + " was enrolled"));
  }
  return 0;
}

int publish(const PublishOptions& o, std::ostream& out, std::ostream& err) {
  std::string kind = o.kind;
  if (kind.empty()) {
    const std::string ext = fs::path(o.file).extension().string();
    if (ext == ".toml") kind = "rules";
    if (ext == ".csv") kind = "catalog";
  }
  if (kind != "rules" && kind != "catalog") {
    return fail(err, Error::invalid("say --kind rules or --kind catalog for " + o.file));
  }
  auto c = read_config(o.dir);
  if (!c.ok()) return fail(err, c.error());
  auto text = read_text(o.file);
  if (!text.ok()) return fail(err, text.error());
  // A file that does not read is refused here and published nowhere.
  auto holds = check_published(kind, *text, o.file);
  if (!holds.ok()) return fail(err, holds.error());
  auto store = open_store(*c);
  if (!store.ok()) return fail(err, store.error());
  auto version = (*store)->publish(kind, *text);
  if (!version.ok()) return fail(err, version.error());
  out << "published " << kind << " version " << *version << " (" << *holds
      << "): terminals take it at their next sync\n";
  return 0;
}

Result<std::unique_ptr<sync::Store>> open_data_store(const std::string& dir,
                                                     const std::string& store_url) {
  auto c = read_config(dir);
  if (!c.ok()) return c.error();
  if (!store_url.empty()) c->store_url = store_url;
  return open_store(*c);
}

int command_failed(std::ostream& err, const Error& e) { return fail(err, e); }

}  // namespace loyalpos::journeyd
