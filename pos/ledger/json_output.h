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

// Each shape is written as JSON text directly (JsonObject, json_text.h: no
// tree, one buffer), which is what the sale path answers with; the
// nlohmann::json functions read that text back for callers that add to it.
// Both are byte for byte dump_json's compact text with the keys in order.
std::string card_json_text(const CardHistory& card, const loyalty::Rules& rules);
std::string quote_json_text(const loyalty::PricedBasket& priced,
                            const std::optional<CardHistory>& card, const TerminalInfo& terminal,
                            const loyalty::Rules& rules);
std::string sale_json_text(const SaleRecord& sale, const TerminalInfo& terminal,
                           const loyalty::Rules& rules);

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
