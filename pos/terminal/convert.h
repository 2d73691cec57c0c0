// The ledger's records as the public values of loyalpos/types.h. Pure
// copies: no I/O, nothing read beyond the arguments.
#pragma once

#include <loyalpos/types.h>

#include <string>

#include "loyalty/pricing.h"
#include "loyalty/rules.h"
#include "pos/ledger/event_log.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/report.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::pos {

loyalpos::Card public_card(const CardHistory& card, const loyalty::Rules& rules,
                           const std::string& base_url);
loyalpos::Quote public_quote(const loyalty::PricedBasket& priced, const std::string& currency);
loyalpos::Sale public_sale(const SaleRecord& record, const TerminalInfo& terminal,
                           const loyalty::Rules& rules, const std::string& base_url);
loyalpos::Refund public_refund(const RefundRecord& record, const TerminalInfo& terminal,
                               const loyalty::Rules& rules, const std::string& base_url);
loyalpos::DayReport public_report(const pos::DayReport& report, const TerminalInfo& terminal);
// Lower-case hex, two digits a byte.
std::string hex(const Hash& bytes);

}  // namespace loyalpos::pos
