// What the end-to-end tests read or change in a ledger file behind the
// CLI's back: its journal's hashes, one SQL statement (to tamper with it),
// its bytes.
#pragma once

#include <string>
#include <vector>

#include "pos/ledger/sqlite.h"
#include "tests/e2e/cli_runner.h"

namespace loyalpos::e2e {

// Every own journey event's (seq, hash) as "seq:HEX", in order; empty when
// the file does not open.
inline std::vector<std::string> event_hashes(const std::string& ledger) {
  std::vector<std::string> out;
  auto db = pos::Database::open(ledger, pos::Database::Mode::kReadOnly, 5000);
  if (!db.ok()) return out;
  auto stmt = db->prepare("SELECT seq || ':' || hex(hash) FROM events ORDER BY seq");
  if (!stmt.ok()) return out;
  for (auto row = stmt->step(); row.ok() && *row; row = stmt->step()) {
    out.push_back(stmt->column_text(0));
  }
  return out;
}

// Runs `sql` on the ledger; its error message, or empty.
inline std::string change_ledger(const std::string& ledger, const std::string& sql) {
  auto db = pos::Database::open(ledger, pos::Database::Mode::kOpenExisting, 5000);
  if (!db.ok()) return db.error().message();
  auto done = db->exec(sql);
  return done.ok() ? std::string() : done.error().message();
}

// The first row's first column of `sql`, as text.
inline std::string query_ledger(const std::string& ledger, const std::string& sql) {
  auto db = pos::Database::open(ledger, pos::Database::Mode::kReadOnly, 5000);
  if (!db.ok()) return "(" + db.error().message() + ")";
  auto stmt = db->prepare(sql);
  if (!stmt.ok()) return "(" + stmt.error().message() + ")";
  auto row = stmt->step();
  if (!row.ok() || !*row) return "(no row)";
  return stmt->column_text(0);
}

}  // namespace loyalpos::e2e
