#include "pos/ledger/ledger.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "pos/ledger/event_log.h"
#include "pos/ledger/event_payloads.h"
#include "pos/ledger/json_text.h"
#include "pos/ledger/schema.h"
#include "pos/ledger/text_field.h"

namespace loyalpos::pos {

namespace {

Status set_meta(Database& db, const std::string& key, const std::string& value) {
  auto stmt = db.cached("INSERT INTO meta(key, value) VALUES (?1, ?2)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, key).bind(2, value);
  return (*stmt)->run();
}

loyalty::Product read_product(const Statement& s) {
  loyalty::Product p;
  p.sku = s.column_text(0);
  p.name = s.column_text(1);
  p.category = s.column_text(2);
  p.price = s.column_int(3);
  p.barcode = s.column_text(4);
  return p;
}

// The ledger holds card tokens: its folder is made 0700 when we make it,
// and the file is created 0600 before SQLite opens it (SQLite gives the -wal
// and -shm files the same mode as the database).
Status create_private_file(const std::string& path) {
  std::error_code ec;
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error::io("cannot create " + dir.string() + ": " + ec.message());
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
    if (ec) return Error::io("cannot make " + dir.string() + " private: " + ec.message());
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::io("cannot create " + path + ": " + std::strerror(errno));
  ::close(fd);
  return ok_status();
}

}  // namespace

Result<Ledger> Ledger::create(const std::string& path, const InitRequest& request,
                              int busy_timeout_ms) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Error::conflict("a ledger already exists at " + path);
  }
  if (request.store_name.empty()) return Error::invalid("the store needs a name (--store)");
  if (request.terminal_name.empty())
    return Error::invalid("the terminal needs a name (--terminal)");
  LOYALPOS_TRY(check_text_field("the store's name", request.store_name, kMaxShortName));
  LOYALPOS_TRY(check_text_field("the terminal's name", request.terminal_name, kMaxShortName));
  auto currency = loyalty::find_currency(request.currency);
  if (!currency.ok()) return currency.error();
  LOYALPOS_TRY(create_private_file(path));
  auto fail = [&](const Error& e) -> Result<Ledger> {
    std::filesystem::remove(path, ec);
    std::filesystem::remove(path + "-wal", ec);
    std::filesystem::remove(path + "-shm", ec);
    return e;
  };
  auto db = Database::open(path, Database::Mode::kCreate, busy_timeout_ms);
  if (!db.ok()) return fail(db.error());
  Ledger ledger(std::move(*db), path);
  if (auto s = prepare_ledger(ledger.db_, path, true); !s.ok()) return fail(s.error());
  {
    auto tx = Transaction::begin(ledger.db_);
    if (!tx.ok()) return fail(tx.error());
    for (auto [key, value] :
         {std::pair<const char*, std::string>{"terminal_id", request.terminal_id},
          {"terminal_name", request.terminal_name},
          {"store_name", request.store_name},
          {"currency", currency->code},
          {"created_at", std::to_string(request.now)}}) {
      if (auto s = set_meta(ledger.db_, key, value); !s.ok()) return fail(s.error());
    }
    const NewEvent event = terminal_initialized_event(request.now, request.store_name,
                                                      request.terminal_name, currency->code);
    if (auto seq = append_event(ledger.db_, request.terminal_id, event); !seq.ok()) {
      return fail(seq.error());
    }
    if (auto s = tx->commit(); !s.ok()) return fail(s.error());
  }
  if (auto s = ledger.load_terminal(); !s.ok()) return fail(s.error());
  return ledger;
}

Result<Ledger> Ledger::open(const std::string& path, int busy_timeout_ms) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Error(ErrorCode::kNotFound, "no ledger at " + path +
                                           "; create one with: loyalpos init --store NAME "
                                           "--terminal NAME");
  }
  auto db = Database::open(path, Database::Mode::kOpenExisting, busy_timeout_ms);
  if (!db.ok()) return db.error();
  Ledger ledger(std::move(*db), path);
  LOYALPOS_TRY(prepare_ledger(ledger.db_, path, false));
  LOYALPOS_TRY(ledger.load_terminal());
  return ledger;
}

Status Ledger::load_terminal() {
  auto stmt = db_.prepare("SELECT key, value FROM meta");
  if (!stmt.ok()) return stmt.error();
  std::string currency;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    const std::string key = stmt->column_text(0);
    const std::string value = stmt->column_text(1);
    if (key == "terminal_id") terminal_.terminal_id = value;
    if (key == "terminal_name") terminal_.terminal_name = value;
    if (key == "store_name") terminal_.store_name = value;
    if (key == "currency") currency = value;
  }
  auto found = loyalty::find_currency(currency);
  if (terminal_.terminal_id.size() != 32 || !found.ok()) {
    return Error(ErrorCode::kCorrupt, path_ + " has no terminal identity; it is damaged");
  }
  terminal_.currency = *found;
  return ok_status();
}

Status Ledger::import_products(const std::vector<loyalty::Product>& products,
                               const std::function<Status()>& also) {
  remembered_.products.clear();
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  auto stmt = db_.cached(
      "INSERT INTO products(sku, name, category, price, barcode) VALUES (?1, ?2, ?3, ?4, ?5)"
      " ON CONFLICT(sku) DO UPDATE SET name = excluded.name, category = excluded.category,"
      " price = excluded.price, barcode = excluded.barcode");
  if (!stmt.ok()) return stmt.error();
  for (const auto& p : products) {
    (*stmt)->reset();
    (*stmt)->bind(1, p.sku).bind(2, p.name).bind(3, p.category).bind(4, p.price);
    if (p.barcode.empty()) {
      (*stmt)->bind_null(5);
    } else {
      (*stmt)->bind(5, p.barcode);
    }
    if (auto s = (*stmt)->run(); !s.ok()) {
      if (s.error().code() == ErrorCode::kConflict) {
        return Error::conflict("barcode " + p.barcode + " of " + p.sku +
                               " already belongs to another product");
      }
      return s;
    }
  }
  if (also) LOYALPOS_TRY(also());
  return tx->commit();
}

Result<std::vector<loyalty::Product>> Ledger::products() {
  auto stmt = db_.cached(
      "SELECT sku, name, category, price, COALESCE(barcode, '') FROM products ORDER BY category, "
      "sku");
  if (!stmt.ok()) return stmt.error();
  std::vector<loyalty::Product> out;
  for (;;) {
    auto row = (*stmt)->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(read_product(**stmt));
  }
  return out;
}

// Enough for any café's catalog and regulars; past it, start over.
constexpr std::size_t kMaxRemembered = 10000;

Status Ledger::check_remembered() {
  auto stmt = db_.cached("PRAGMA data_version");
  if (!stmt.ok()) return stmt.error();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.error();
  const std::int64_t version = *row ? (*stmt)->column_int(0) : -1;
  (*stmt)->reset();
  if (version != remembered_.data_version || remembered_.products.size() > kMaxRemembered ||
      remembered_.cards.size() > kMaxRemembered) {
    remembered_.products.clear();
    remembered_.cards.clear();
    remembered_.data_version = version;
  }
  return ok_status();
}

Result<std::optional<loyalty::Product>> Ledger::find_product(const std::string& sku_or_barcode) {
  LOYALPOS_TRY(check_remembered());
  if (auto it = remembered_.products.find(sku_or_barcode); it != remembered_.products.end()) {
    return it->second;
  }
  // Two indexed lookups: by SKU (any letter case), else by barcode.
  for (const char* sql :
       {"SELECT sku, name, category, price, COALESCE(barcode, '') FROM products WHERE sku = ?1",
        "SELECT sku, name, category, price, COALESCE(barcode, '') FROM products"
        " WHERE barcode = ?1"}) {
    auto stmt = db_.cached(sql);
    if (!stmt.ok()) return stmt.error();
    (*stmt)->bind(1, sku_or_barcode);
    auto row = (*stmt)->step();
    if (!row.ok()) return row.error();
    if (*row) {
      std::optional<loyalty::Product> out = read_product(**stmt);
      (*stmt)->reset();
      remembered_.products.emplace(sku_or_barcode, out);
      return out;
    }
    (*stmt)->reset();
  }
  remembered_.products.emplace(sku_or_barcode, std::nullopt);
  return std::optional<loyalty::Product>();
}

Status Ledger::insert_card(const Card& card) {
  auto stmt =
      db_.cached("INSERT INTO cards(card_id, token, issued_at, referrer) VALUES (?1, ?2, ?3, ?4)");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, card.card_id).bind(2, card.token).bind(3, card.issued_at);
  (*stmt)->bind_optional(4, card.referrer);
  LOYALPOS_TRY((*stmt)->run());
  auto seq = append_event(db_, terminal_.terminal_id,
                          card_issued_event(card.card_id, card.issued_at, card.referrer));
  if (!seq.ok()) return seq.error();
  return ok_status();
}

Result<Card> Ledger::issue_card(const loyalty::CardId& id, std::int64_t now,
                                const std::optional<Card>& referrer) {
  Card card{loyalty::card_id_hex(id), loyalty::encode_token(id), now,
            referrer ? std::optional<std::string>(referrer->card_id) : std::nullopt};
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  LOYALPOS_TRY(insert_card(card));
  LOYALPOS_TRY(tx->commit());
  return card;
}

Result<std::vector<Card>> Ledger::issue_cards(
    const std::vector<loyalty::CardId>& ids, std::int64_t now,
    const std::function<Status(const std::vector<Card>&)>& publish) {
  std::vector<Card> cards;
  auto tx = Transaction::begin(db_);
  if (!tx.ok()) return tx.error();
  for (const auto& id : ids) {
    cards.push_back({loyalty::card_id_hex(id), loyalty::encode_token(id), now, std::nullopt});
    LOYALPOS_TRY(insert_card(cards.back()));
  }
  LOYALPOS_TRY(publish(cards));
  LOYALPOS_TRY(tx->commit());
  return cards;
}

namespace {

Result<std::optional<Card>> read_card(Database& db, const char* where, const std::string& key) {
  auto stmt =
      db.cached(std::string("SELECT card_id, token, issued_at, referrer FROM cards WHERE ") +
                where + " = ?1");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, key);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.error();
  std::optional<Card> out;
  if (*row) {
    Statement& s = **stmt;
    out = Card{s.column_text(0), s.column_text(1), s.column_int(2),
               s.column_is_null(3) ? std::nullopt : std::optional<std::string>(s.column_text(3))};
  }
  (*stmt)->reset();
  return out;
}

}  // namespace

Result<std::optional<Card>> Ledger::find_card(const std::string& token) {
  LOYALPOS_TRY(check_remembered());
  if (auto it = remembered_.cards.find(token); it != remembered_.cards.end()) {
    return std::optional<Card>(it->second);
  }
  auto card = read_card(db_, "token", token);
  // Only cards that exist: one issued later by another process must be found.
  if (card.ok() && *card) remembered_.cards.emplace(token, **card);
  return card;
}

Result<Card> Ledger::known_card(const loyalty::CardId& id, std::int64_t now) {
  const std::string token = loyalty::encode_token(id);
  auto found = find_card(token);
  if (!found.ok()) return found.error();
  if (*found) return **found;
  std::optional<Transaction> own;
  if (sqlite3_get_autocommit(db_.handle()) != 0) {
    auto tx = Transaction::begin(db_);
    if (!tx.ok()) return tx.error();
    own.emplace(std::move(*tx));
    // Another process may have recorded it while we waited for the lock.
    auto again = read_card(db_, "token", token);
    if (!again.ok()) return again.error();
    if (*again) return **again;
  }
  Card card{loyalty::card_id_hex(id), token, now, std::nullopt};
  auto row = db_.cached(
      "INSERT INTO cards(card_id, token, issued_at, referrer) VALUES (?1, ?2, ?3, NULL)");
  if (!row.ok()) return row.error();
  (*row)->bind(1, card.card_id).bind(2, card.token).bind(3, card.issued_at);
  LOYALPOS_TRY((*row)->run());
  auto seq = append_event(db_, terminal_.terminal_id, card_seen_event(card.card_id, now));
  if (!seq.ok()) return seq.error();
  // What other shops did with it so far: the cached balance is the sum of
  // its peer card.stamps events (no own ones yet).
  auto balances = db_.cached(
      "INSERT INTO card_programs(card_id, program_id, stamps, rewards, last_stamp_at)"
      " SELECT card_id, payload ->> 'program', SUM(payload ->> 'stamps'),"
      " SUM(payload ->> 'rewards'), MAX(CASE WHEN payload ->> 'stamps' > 0 THEN at ELSE 0 END)"
      " FROM peer_events WHERE card_id = ?1 AND type = 'card.stamps' GROUP BY 1, 2");
  if (!balances.ok()) return balances.error();
  (*balances)->bind(1, card.card_id);
  LOYALPOS_TRY((*balances)->run());
  if (own) LOYALPOS_TRY(own->commit());
  return card;
}

Result<std::optional<Card>> Ledger::find_card_by_id(const std::string& card_id) {
  return read_card(db_, "card_id", card_id);
}

Result<std::vector<loyalty::ProgramBalance>> Ledger::balances(const std::string& card_id) {
  auto stmt = db_.cached(
      "SELECT program_id, stamps, rewards, last_stamp_at FROM card_programs WHERE card_id = ?1"
      " ORDER BY program_id");
  if (!stmt.ok()) return stmt.error();
  (*stmt)->bind(1, card_id);
  std::vector<loyalty::ProgramBalance> out;
  for (;;) {
    auto row = (*stmt)->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back({(*stmt)->column_text(0), (*stmt)->column_int(1), (*stmt)->column_int(2),
                   (*stmt)->column_int(3)});
  }
  return out;
}

Result<CardHistory> Ledger::card_history(const Card& card, std::int64_t now, int window_days) {
  CardHistory history;
  history.card = card;
  auto balances_now = balances(card.card_id);
  if (!balances_now.ok()) return balances_now.error();
  history.balances = std::move(*balances_now);
  // Visits (how many, first, last, and the times of those in the last
  // `window_days`), and whether a card it recommended has made a purchase
  // (it "referred someone"), in one statement: this runs in every card sale.
  // Visits in other shops are their sale.completed peer events with the
  // card, less those refunded in full there.
  auto stmt = db_.cached(
      "SELECT COUNT(*), MIN(created_at), MAX(created_at),"
      " group_concat(CASE WHEN created_at > ?2 THEN created_at END),"
      " EXISTS (SELECT 1 FROM cards c JOIN sales r ON r.card_id = c.card_id"
      " WHERE c.referrer = ?1 AND r.refunded = 0)"
      " FROM (SELECT created_at FROM sales WHERE card_id = ?1 AND refunded = 0"
      " UNION ALL SELECT p.at FROM peer_events p WHERE p.card_id = ?1"
      " AND p.type = 'sale.completed' AND NOT EXISTS (SELECT 1 FROM peer_events r"
      " WHERE r.card_id = ?1 AND r.type = 'sale.refunded' AND r.terminal_id = p.terminal_id"
      " AND r.sale_id = p.sale_id AND (json_type(r.payload, '$.lines') IS NULL"
      " OR json_extract(r.payload, '$.complete'))))");
  if (!stmt.ok()) return stmt.error();
  Statement& s = **stmt;
  const std::int64_t window_start = window_days > 0
                                        ? now - static_cast<std::int64_t>(window_days) * 86400
                                        : std::numeric_limits<std::int64_t>::max();
  s.bind(1, card.card_id).bind(2, window_start);
  auto row = s.step();
  if (!row.ok()) return row.error();
  history.visits = s.column_int(0);
  if (history.visits > 0) {
    history.first_visit = s.column_int(1);
    history.last_visit = s.column_int(2);
  }
  const std::string recent = s.column_is_null(3) ? "" : s.column_text(3);
  history.journey.referred_someone = s.column_int(4) != 0;
  s.reset();
  history.journey.visits = history.visits;
  history.journey.last_visit = history.last_visit;
  // "t1,t2,...": whole numbers written by SQLite.
  auto& times = history.journey.recent_visits;
  for (std::size_t at = 0; at < recent.size();) {
    std::size_t end = recent.find(',', at);
    if (end == std::string::npos) end = recent.size();
    std::int64_t t = 0;
    std::from_chars(recent.data() + at, recent.data() + end, t);
    times.push_back(t);
    at = end + 1;
  }
  std::sort(times.begin(), times.end());
  return history;
}

}  // namespace loyalpos::pos
