#include "pos/ledger/ledger_init.h"

#include "pos/ledger/catalog_csv.h"
#include "pos/ledger/random.h"

namespace loyalpos::pos {

Result<Ledger> init_ledger(const std::string& path, const NewTerminal& terminal,
                           int busy_timeout_ms) {
  auto terminal_id = random_terminal_id();
  if (!terminal_id.ok()) return terminal_id.error();
  const InitRequest request{terminal.store_name, terminal.terminal_name, terminal.currency,
                            *terminal_id, terminal.now};
  auto ledger = Ledger::create(path, request, busy_timeout_ms);
  if (!ledger.ok()) return ledger.error();
  if (terminal.catalog_csv) {
    auto products = parse_catalog_csv(*terminal.catalog_csv, ledger->terminal().currency);
    if (!products.ok()) return products.error().with_context("catalog: ");
    LOYALPOS_TRY(ledger->import_products(*products));
  }
  return ledger;
}

}  // namespace loyalpos::pos
