// The JSON shapes of the command line's --json output (docs/cli.md). All
// amounts are integers in minor units.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "loyalty/rules.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/report.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::pos {

nlohmann::json card_json(const CardHistory& card, const loyalty::Rules& rules);
// A basket priced but not sold (the API's quote): a sale's shape without
// its id, time, payment and journal; `card` is the card before the sale.
nlohmann::json quote_json(const loyalty::PricedBasket& priced,
                          const std::optional<CardHistory>& card, const TerminalInfo& terminal,
                          const loyalty::Rules& rules);
nlohmann::json sale_json(const SaleRecord& sale, const TerminalInfo& terminal,
                         const loyalty::Rules& rules);
nlohmann::json refund_json(const RefundRecord& refund, const TerminalInfo& terminal,
                           const loyalty::Rules& rules);
nlohmann::json report_json(const DayReport& report, const TerminalInfo& terminal);
nlohmann::json product_json(const loyalty::Product& product);
nlohmann::json error_json(const Error& error);

}  // namespace loyalpos::pos
