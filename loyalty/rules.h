// The rules in force, as plain data parsed once from the config and passed
// to pricing: stamp cards, promotions, tiers, the referral bonus and the
// journey thresholds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

// Minimums, for promotions and stamp cards alike. `min_total`, in minor
// units: the basket's total after the promotions applied before the rule
// (higher priority first; a stamp card sees every promotion and the cards
// before it, a promotion no stamp-card reward). `min_qty`: the basket's units
// among the rule's products (a bundle's: in any component; a gift's: its
// trigger; empty products: the whole basket), whatever earlier rules did.

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
  // A sale below either minimum neither earns stamps nor gets a free item
  // from this card (nor redeems one); stamps lapse all the same.
  std::optional<std::int64_t> min_total;
  std::optional<int> min_qty;

  bool qualifies(const Product& product) const { return items.contains(product); }
};

// "1 point per 100 ₽": a card earns one point per full `per_amount` paid
// for the program's items in a sale (after every discount), and `threshold`
// points buy `reward_amount` off a later order. The balance is kept like a
// stamp card's (ProgramBalance.stamps holds the points; rewards stay 0).
struct PointsProgram {
  std::string id;                    // stable key in the ledger, unique among stamp cards too
  std::string name;                  // the receipt's reason for the reward
  ProductSet items;                  // empty: every item
  std::int64_t per_amount = 100;     // minor units, > 0
  std::int64_t threshold = 50;       // points one reward costs, > 0
  std::int64_t reward_amount = 100;  // minor units off the order, > 0
  int currency_exponent = 2;         // for showing reward_amount in the progress text

  bool qualifies(const Product& product) const { return items.empty() || items.contains(product); }
};

enum class PromotionKind {
  kBuyXGetY,    // buy `buy`, get `get` free (cheapest free)
  kNForM,       // `n` items for the price of `m`
  kPercentOff,  // `percent` off each item
  kAmountOff,   // `amount` off each item
  kBundle,      // one item of each component for `price`
  // `amount` off the basket's items (all, or those in `items`), spread
  // over them in proportion to what they cost, clipped at their total.
  kOrderAmountOff,
  // "Buy a coffee, get a simit free": for every unit of `trigger` in the
  // basket, the cheapest unit of `items` (the gifts) in it is free.
  kGift,
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
  ProductSet items;                    // all kinds but kBundle; kOrderAmountOff: empty is all
  std::vector<ProductSet> components;  // kBundle
  ProductSet trigger;                  // kGift: what must be bought
  int buy = 1, get = 1;                // kBuyXGetY
  int n = 2, m = 1;                    // kNForM
  int percent = 0;                     // kPercentOff, 1..100
  std::int64_t amount = 0;  // kAmountOff (per item), kBundle (its price), kOrderAmountOff
  std::optional<std::int64_t> max_discount;  // kPercentOff: at most this off in one basket
  Schedule schedule;
  int priority = 0;           // higher first
  bool combinable = true;     // false: items it touches get no other promotion
  bool earns_stamps = false;  // items it makes free or cheaper still earn stamps
  Audience audience = Audience::kEveryone;
  std::string tier;  // kTier
  // Applies only to a sale where this code was given (typed, or scanned
  // from a poster); upper case, unique among the promotions. Empty: no code.
  std::string code;
  std::string source;  // the touchpoint the code stands for, e.g. "vk-post-2026-11"
  // Applies only with one of its one-shot coupons (pos/coupons.h), each
  // usable in one sale; never together with `code`.
  bool coupons = false;
  std::optional<std::int64_t> min_total;
  std::optional<int> min_qty;  // see the minimums above StampProgram
  // Uses are sales the promotion applied in, refunded ones not counted; the
  // counts come in the PricingRequest. A promotion limited per card applies
  // only to card sales.
  std::optional<std::int64_t> max_uses;
  std::optional<std::int64_t> max_uses_per_card;
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
  std::vector<PointsProgram> points_programs;
  std::vector<Promotion> promotions;
  std::vector<Tier> tiers;
  ReferralBonus referral;
  JourneySettings journey;
  Language language = Language::kEnglish;
  // The version of head office's published rules these are (`journeyd
  // publish`, pos/ledger/published.h); 0: the terminal's own config.
  std::int64_t published_version = 0;
};

// A code as the rules keep it: ASCII letters upper-cased, nothing else changed.
std::string normal_code(std::string_view code);
// The promotion the code (any case) unlocks, or null: an unknown code.
const Promotion* promotion_for_code(const Rules& rules, std::string_view code);

}  // namespace loyalpos::loyalty
