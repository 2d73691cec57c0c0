// The rules in force, as plain data parsed once from the config and passed
// to pricing: stamp cards, promotions, tiers, the referral bonus and the
// journey thresholds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/catalog.h"
#include "loyalty/schedule.h"

namespace loyalpos::loyalty {

// Which products a rule applies to: any of the categories or SKUs.
struct ProductSet {
  std::vector<std::string> categories;
  std::vector<std::string> skus;

  bool contains(const Product& product) const;
  bool empty() const { return categories.empty() && skus.empty(); }
  // Shares a category or a SKU with `other`. A SKU of one and a category of
  // the other do not count: the rules do not know the catalog.
  bool intersects(const ProductSet& other) const;
};

enum class RewardMode {
  kApplyNow,  // the N-th item is free at once
  kBank,      // the reward is kept on the card until the customer redeems it
};

enum class FreeItem { kCheapest, kMostExpensive };

// "Every N-th item free" for card holders: out of every `every` qualifying
// items, one is free and earns no stamp.
struct StampProgram {
  std::string id;    // stable key in the ledger, e.g. "pastry"
  std::string name;  // shown on receipts, e.g. "Pastry card"
  ProductSet items;
  int every = 5;  // >= 2
  RewardMode mode = RewardMode::kApplyNow;
  FreeItem free_item = FreeItem::kCheapest;
  std::optional<int> stamps_expire_after_days;  // since the card's last stamp
  std::optional<int> max_rewards_per_sale;

  bool qualifies(const Product& product) const { return items.contains(product); }
};

enum class PromotionKind {
  kBuyXGetY,    // buy `buy`, get `get` free (cheapest free)
  kNForM,       // `n` items for the price of `m`
  kPercentOff,  // `percent` off each item
  kAmountOff,   // `amount` off each item
  kBundle,      // one item of each component for `price`
};

enum class Audience {
  kEveryone,
  kCardHolders,
  kWelcome,  // a new card's first purchase
  kTier,     // cards in `tier`
};

struct Promotion {
  std::string id;
  std::string name;  // the receipt's reason, e.g. "Weekend: 2 for 1"
  PromotionKind kind = PromotionKind::kPercentOff;
  ProductSet items;                    // all kinds but kBundle
  std::vector<ProductSet> components;  // kBundle
  int buy = 1, get = 1;                // kBuyXGetY
  int n = 2, m = 1;                    // kNForM
  int percent = 0;                     // kPercentOff, 1..100
  std::int64_t amount = 0;             // kAmountOff (per item), kBundle (the bundle price)
  Schedule schedule;
  int priority = 0;           // higher first
  bool combinable = true;     // false: items it touches get no other promotion
  bool earns_stamps = false;  // items it makes free or cheaper still earn stamps
  Audience audience = Audience::kEveryone;
  std::string tier;  // kTier
};

// "Regular": at least `visits` visits in the last `window_days` days.
struct Tier {
  std::string id;
  std::string name;
  int visits = 4;
  int window_days = 30;
};

struct ReferralBonus {
  std::string program_id;  // empty: no referral bonus
  int stamps = 1;
};

struct JourneySettings {
  int retention_visits = 2;    // visits that make a returning customer
  int lapsed_after_days = 60;  // no visit for this long: lapsed
};

enum class Language { kEnglish, kRussian };

struct Rules {
  std::vector<StampProgram> stamp_programs;
  std::vector<Promotion> promotions;
  std::vector<Tier> tiers;
  ReferralBonus referral;
  JourneySettings journey;
  Language language = Language::kEnglish;
};

}  // namespace loyalpos::loyalty
