#include "tests/sync/pg_cluster.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace loyalpos::testing {

namespace {

namespace fs = std::filesystem;

std::string pg_bin() {
  if (const char* dir = std::getenv("LOYALPOS_PG_BIN")) return dir;
  return "/usr/lib/postgresql/15/bin";
}

bool as_root() { return geteuid() == 0; }

// Runs a PostgreSQL tool as the `postgres` user when we are root (initdb
// refuses root), from "/" so it can enter the working directory.
int run_as_postgres(const std::string& command) {
  const std::string full =
      "cd / && " + (as_root() ? "runuser -u postgres -- " : std::string()) + command;
  return std::system(full.c_str());
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t size = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<std::unique_ptr<PgCluster>> PgCluster::start(const Options& options) {
  const std::string bin = pg_bin();
  if (!fs::exists(bin + "/initdb") || !fs::exists(bin + "/pg_ctl")) {
    return Error::unavailable("PostgreSQL 15 is not installed: no initdb/pg_ctl in " + bin +
                              " (run scripts/setup, which installs postgresql-15, or set "
                              "LOYALPOS_PG_BIN)");
  }
  if (as_root() && std::system("id -u postgres >/dev/null 2>&1") != 0) {
    return Error::unavailable("running as root but there is no `postgres` user to run initdb as");
  }
  std::string pattern = (fs::temp_directory_path() / "journeyd-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Error::io("cannot make a temp dir for PostgreSQL");
  const std::string dir = pattern;
  if (as_root() && std::system(("chown postgres:postgres " + dir).c_str()) != 0) {
    fs::remove_all(dir);
    return Error::io("cannot give " + dir + " to the postgres user");
  }
  if (run_as_postgres(bin + "/initdb -D " + dir + "/data -U postgres -A trust -E UTF8" +
                      " --locale=C.UTF-8 --no-sync >" + dir + "/initdb.log 2>&1") != 0) {
    const std::string log = slurp(dir + "/initdb.log");
    fs::remove_all(dir);
    return Error::io("initdb failed: " + log);
  }
  std::string settings = "-c listen_addresses=127.0.0.1 -k " + dir + " -c max_connections=60";
  if (!options.fsync) settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  std::string last_log;
  // The free-port probe can race with another process: try a few ports.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int port = free_port();
    if (run_as_postgres(bin + "/pg_ctl -D " + dir + "/data -l " + dir + "/server.log -w -t 30" +
                        " -o \"" + settings + " -p " + std::to_string(port) + "\" start >" + dir +
                        "/pg_ctl.log 2>&1") == 0) {
      return std::unique_ptr<PgCluster>(new PgCluster(dir, port));
    }
    last_log = slurp(dir + "/server.log");
  }
  fs::remove_all(dir);
  return Error::unavailable("PostgreSQL did not start: " + last_log);
}

Result<PgCluster*> PgCluster::shared() {
  static Result<std::unique_ptr<PgCluster>> cluster = start(Options{});
  if (!cluster.ok()) return cluster.error();
  return cluster->get();
}

PgCluster::~PgCluster() {
  run_as_postgres(pg_bin() + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1");
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string PgCluster::url(const std::string& dbname) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + dbname;
}

Result<std::string> PgCluster::create_database() {
  const std::string name =
      "journeyd_" + std::to_string(getpid()) + "_" + std::to_string(++databases_);
  PGconn* conn = PQconnectdb(url("postgres").c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, ("CREATE DATABASE " + name).c_str());
    if (PQresultStatus(res) != PGRES_COMMAND_OK) error = PQresultErrorMessage(res);
    PQclear(res);
  }
  PQfinish(conn);
  if (!error.empty()) return Error::unavailable("CREATE DATABASE " + name + ": " + error);
  return url(name);
}

Result<std::string> fresh_store_url(Backend backend, const std::string& sqlite_path) {
  if (backend == Backend::kSqlite) return "sqlite:" + sqlite_path;
  auto cluster = PgCluster::shared();
  if (!cluster.ok()) return cluster.error();
  return (*cluster)->create_database();
}

}  // namespace loyalpos::testing
