// The day's figures for the owner at closing time.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <map>
#include <string>

#include "pos/ledger/ledger.h"

namespace loyalpos::pos {

struct PaymentTotals {
  std::int64_t sales = 0;
  std::int64_t revenue = 0;
};

struct DayReport {
  std::string date;  // YYYY-MM-DD, local
  std::int64_t sales = 0;
  std::int64_t revenue = 0;    // sum of sale totals
  std::int64_t discounts = 0;  // sum of sale discounts
  std::int64_t stamps_given = 0;
  std::int64_t rewards_redeemed = 0;  // stamp cards' free items and points cards' rewards
  std::int64_t refunds = 0;
  std::int64_t refunded = 0;                        // amount refunded that day
  std::map<std::string, PaymentTotals> by_payment;  // "cash", "card"
};

Result<DayReport> day_report(Ledger& ledger, const std::string& date);

}  // namespace loyalpos::pos
