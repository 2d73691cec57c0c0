// The facade of include/loyalpos/terminal.h over the ledger: a session as
// `loyalpos` opens one (pos/app/cli.cc: config, clock, ledger, SaleService),
// each call under one mutex, no exception let out.
#include <loyalpos/terminal.h>
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <mutex>
#include <utility>

#include "loyalty/scan_input.h"
#include "pos/config/config.h"
#include "pos/config/home_config.h"
#include "pos/config/paths.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/ledger_init.h"
#include "pos/ledger/random.h"
#include "pos/ledger/report.h"
#include "pos/ledger/sale_service.h"
#include "pos/terminal/convert.h"

namespace loyalpos {

namespace {

// The clock in the store's zone: the options', else the config's.
Result<std::unique_ptr<pos::Clock>> make_clock(const TerminalOptions& options,
                                               const pos::Config& config) {
  auto zone = pos::store_time_zone(options.time_zone.empty() ? config.timezone : options.time_zone);
  if (!zone.ok()) return zone.error();
  if (options.fixed_now) {
    return std::unique_ptr<pos::Clock>(
        std::make_unique<pos::FixedClock>(*options.fixed_now, *zone));
  }
  return std::unique_ptr<pos::Clock>(std::make_unique<pos::SystemClock>(*zone));
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "counter";
  return name;
}

std::vector<pos::ItemRequest> item_requests(const std::vector<Item>& items) {
  std::vector<pos::ItemRequest> out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back({item.sku, item.qty});
  return out;
}

Error no_terminal() { return Error::internal("this Terminal was moved from"); }

}  // namespace

struct Terminal::Impl {
  std::mutex mutex;
  pos::Config config;
  std::unique_ptr<pos::Clock> clock;
  std::optional<pos::Ledger> ledger;
  std::optional<pos::SaleService> sales;  // refers to the three above

  static Result<std::unique_ptr<Impl>> open(const TerminalOptions& options) {
    auto impl = std::make_unique<Impl>();
    auto config = pos::load_home_config(options.home, options.config_file);
    if (!config.ok()) return config.error();
    impl->config = std::move(*config);
    auto clock = make_clock(options, impl->config);
    if (!clock.ok()) return clock.error();
    impl->clock = std::move(*clock);
    auto ledger = pos::Ledger::open(pos::ledger_path(options.home), impl->config.busy_timeout_ms);
    if (!ledger.ok()) return ledger.error();
    impl->ledger.emplace(std::move(*ledger));
    // Amounts in the config are in the ledger's currency.
    const auto& currency = impl->ledger->terminal().currency;
    if (currency.exponent != pos::kDefaultCurrency.exponent) {
      auto again = pos::load_home_config(options.home, options.config_file, currency);
      if (!again.ok()) return again.error();
      impl->config = std::move(*again);
    }
    impl->sales.emplace(*impl->ledger, impl->config.rules, *impl->clock,
                        pos::parse_published_rules);
    // Rules head office published that do not read are passed over (the
    // sales go on with the config's); the sync agent reported them.
    (void)impl->sales->refresh_published_rules();
    return impl;
  }

  const pos::TerminalInfo& info() const { return ledger->terminal(); }

  // The card a scan names, as the counter reads it.
  // The card's code as the counter reads a scan (no ledger read).
  Result<std::string> card_code(const std::string& scanned) const {
    const loyalty::ScanSettings settings{config.card_base_url, config.scanner_prefix,
                                         config.scanner_suffix};
    return loyalty::read_card_code(scanned, settings);
  }

  Result<pos::Card> resolve(const std::string& scanned) {
    auto token = card_code(scanned);
    if (!token.ok()) return token.error();
    return sales->resolve_card(*token);
  }

  Result<Card> describe(const pos::Card& card) {
    auto history = sales->history(card);
    if (!history.ok()) return history.error();
    return pos::public_card(*history, config.rules, config.card_base_url);
  }

  Result<Quote> quote(const Basket& basket) {
    auto lines = sales->resolve_items(item_requests(basket.items));
    if (!lines.ok()) return lines.error();
    std::optional<pos::Card> card;
    if (!basket.card.empty()) {
      auto found = resolve(basket.card);
      if (!found.ok()) return found.error();
      card = *found;
    }
    auto priced = sales->quote(*lines, card, basket.redeem, basket.codes);
    if (!priced.ok()) return priced.error();
    return pos::public_quote(*priced, info().currency.code);
  }

  Result<Sale> sell(const Basket& basket, Payment payment) {
    pos::SaleRequest request;
    request.items = item_requests(basket.items);
    if (!basket.card.empty()) {
      // The sale finds the card in its own transaction: one read, not two.
      auto token = card_code(basket.card);
      if (!token.ok()) return token.error();
      request.card_token = *token;
    }
    request.cashier = basket.cashier;
    request.payment = payment == Payment::kCard ? "card" : "cash";
    request.redeem = basket.redeem;
    request.codes = basket.codes;
    auto record = sales->sell(request);
    if (!record.ok()) return record.error();
    return pos::public_sale(*record, info(), config.rules, config.card_base_url);
  }

  Result<Refund> refund(std::int64_t sale_id, const std::vector<Item>& items) {
    auto record = sales->refund(sale_id, item_requests(items));
    if (!record.ok()) return record.error();
    return pos::public_refund(*record, info(), config.rules, config.card_base_url);
  }

  Result<Card> issue_card(const std::string& referrer_scan) {
    std::optional<pos::Card> referrer;
    if (!referrer_scan.empty()) {
      auto found = resolve(referrer_scan);
      if (!found.ok()) return found.error().with_context("referrer: ");
      referrer = *found;
    }
    auto id = pos::random_card_id();
    if (!id.ok()) return id.error();
    auto issued = ledger->issue_card(*id, clock->now_unix(), referrer);
    if (!issued.ok()) return issued.error();
    return describe(*issued);
  }

  Result<Card> find_card(const std::string& scanned) {
    auto found = resolve(scanned);
    if (!found.ok()) return found.error();
    return describe(*found);
  }

  Result<DayReport> day_report(const std::string& asked) {
    const std::string date = asked.empty() ? clock->local_date(clock->now_unix()) : asked;
    if (!pos::is_valid_date(date)) {
      return Error::invalid("date \"" + date + "\" is not a day like 2026-11-21");
    }
    auto report = pos::day_report(*ledger, date);
    if (!report.ok()) return report.error();
    return pos::public_report(*report, info());
  }

  Result<std::vector<Event>> events_since(std::int64_t after_seq, std::size_t limit) {
    auto stmt = ledger->db().cached(
        "SELECT seq, type, at, card_id, sale_id, payload, prev_hash, hash FROM events"
        " WHERE terminal_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
    if (!stmt.ok()) return stmt.error();
    constexpr std::size_t kMaxLimit = 1'000'000;
    (*stmt)->bind(1, info().terminal_id).bind(2, after_seq);
    (*stmt)->bind(3, static_cast<std::int64_t>(std::min(limit, kMaxLimit)));
    std::vector<Event> events;
    for (;;) {
      auto row = (*stmt)->step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      Event e;
      e.seq = (*stmt)->column_int(0);
      e.type = (*stmt)->column_text(1);
      e.at = (*stmt)->column_int(2);
      if (!(*stmt)->column_is_null(3)) e.card_id = (*stmt)->column_text(3);
      if (!(*stmt)->column_is_null(4)) e.sale_id = (*stmt)->column_int(4);
      e.payload = (*stmt)->column_text(5);
      e.prev_hash = pos::hex((*stmt)->column_blob(6));
      e.hash = pos::hex((*stmt)->column_blob(7));
      events.push_back(std::move(e));
    }
    (*stmt)->reset();
    return events;
  }
};

namespace {

// Runs `fn` on the Terminal's state under its mutex; whatever escapes
// becomes an error value.
template <typename Impl, typename Fn>
auto serialized(Impl* impl, Fn&& fn) -> decltype(fn(*impl)) {
  if (!impl) return no_terminal();
  try {
    const std::lock_guard lock(impl->mutex);
    return fn(*impl);
  } catch (const std::exception& e) {
    return Error::internal(std::string("unexpected failure: ") + e.what());
  }
}

}  // namespace

Terminal::Terminal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Terminal::Terminal(Terminal&&) noexcept = default;
Terminal& Terminal::operator=(Terminal&&) noexcept = default;
Terminal::~Terminal() = default;

Result<Terminal> Terminal::open(const TerminalOptions& options) {
  try {
    auto impl = Impl::open(options);
    if (!impl.ok()) return impl.error();
    return Terminal(std::move(*impl));
  } catch (const std::exception& e) {
    return Error::internal(std::string("unexpected failure: ") + e.what());
  }
}

Result<Terminal> Terminal::create(const TerminalOptions& options, const std::string& store_name,
                                  const NewLedgerOptions& ledger) {
  try {
    auto config = pos::load_home_config(options.home, options.config_file);
    if (!config.ok()) return config.error();
    pos::NewTerminal request;
    request.store_name = store_name;
    request.terminal_name = ledger.terminal_name.empty() ? host_name() : ledger.terminal_name;
    request.currency = ledger.currency;
    auto clock = make_clock(options, *config);
    if (!clock.ok()) return clock.error();
    request.now = (*clock)->now_unix();
    if (ledger.sample_catalog) request.catalog_csv = pos::default_catalog_csv();
    {
      auto made =
          pos::init_ledger(pos::ledger_path(options.home), request, config->busy_timeout_ms);
      if (!made.ok()) return made.error();
    }
    LOYALPOS_TRY(pos::write_config_if_missing(options.home, pos::shop_config_text()));
  } catch (const std::exception& e) {
    return Error::internal(std::string("unexpected failure: ") + e.what());
  }
  return open(options);
}

std::string Terminal::currency() const { return impl_ ? impl_->info().currency.code : ""; }
int Terminal::currency_exponent() const { return impl_ ? impl_->info().currency.exponent : 0; }
std::string Terminal::store_name() const { return impl_ ? impl_->info().store_name : ""; }
std::string Terminal::terminal_name() const { return impl_ ? impl_->info().terminal_name : ""; }
std::string Terminal::terminal_id() const { return impl_ ? impl_->info().terminal_id : ""; }

Result<Quote> Terminal::quote(const Basket& basket) {
  return serialized(impl_.get(), [&](Impl& t) { return t.quote(basket); });
}

Result<Sale> Terminal::sell(const Basket& basket, Payment payment) {
  return serialized(impl_.get(), [&](Impl& t) { return t.sell(basket, payment); });
}

Result<Refund> Terminal::refund(std::int64_t sale_id, const std::vector<Item>& items) {
  return serialized(impl_.get(), [&](Impl& t) { return t.refund(sale_id, items); });
}

Result<Card> Terminal::issue_card(const std::string& referrer) {
  return serialized(impl_.get(), [&](Impl& t) { return t.issue_card(referrer); });
}

Result<Card> Terminal::find_card(const std::string& scanned) {
  return serialized(impl_.get(), [&](Impl& t) { return t.find_card(scanned); });
}

Result<DayReport> Terminal::day_report(const std::string& date) {
  return serialized(impl_.get(), [&](Impl& t) { return t.day_report(date); });
}

Result<std::vector<Event>> Terminal::events_since(std::int64_t after_seq, std::size_t limit) {
  return serialized(impl_.get(), [&](Impl& t) { return t.events_since(after_seq, limit); });
}

}  // namespace loyalpos
