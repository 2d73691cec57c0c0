// A throwaway PostgreSQL 15 cluster on 127.0.0.1 at a free port, made the
// way the stack notes (STACK.md §6) say (initdb + pg_ctl as the `postgres` user
// when run as root), stopped and removed when the object goes. Tests share
// one per test binary (shared()); each test takes a fresh database of it.
// Without the PostgreSQL binaries it fails with a message saying so; it
// never skips.
#pragma once

#include <loyalpos/result.h>

#include <atomic>
#include <memory>
#include <string>

namespace loyalpos::testing {

// The two stores the store and journeyd suites run against.
enum class Backend { kSqlite, kPostgres };
inline const char* backend_name(Backend backend) {
  return backend == Backend::kSqlite ? "Sqlite" : "Postgres";
}

// A store for one test: a fresh database in the shared cluster, or the
// SQLite file `sqlite_path` ("sqlite:" + sqlite_path).
Result<std::string> fresh_store_url(Backend backend, const std::string& sqlite_path);

class PgCluster {
 public:
  struct Options {
    // Tests run with fsync off; the benchmark measures durable commits.
    bool fsync = false;
  };

  static Result<std::unique_ptr<PgCluster>> start(const Options& options);
  // The test binary's cluster, started on first use and stopped at exit.
  static Result<PgCluster*> shared();

  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  int port() const { return port_; }
  // "postgresql://postgres@127.0.0.1:PORT/DBNAME"
  std::string url(const std::string& dbname) const;
  // CREATE DATABASE with a name no other call used; returns its url.
  Result<std::string> create_database();

 private:
  PgCluster(std::string dir, int port) : dir_(std::move(dir)), port_(port) {}
  std::string dir_;
  int port_ = 0;
  std::atomic<int> databases_{0};
};

}  // namespace loyalpos::testing
