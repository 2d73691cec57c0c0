// Products and rules from the café story, for the loyalty tests.
#pragma once

#include <string>

#include "loyalty/pricing.h"

namespace loyalpos::loyalty::testing {

inline Product product(const std::string& sku, const std::string& category, std::int64_t price) {
  return Product{sku, sku, category, price, ""};
}

inline const Product kCroissant = product("CROISSANT", "pastry", 15000);
inline const Product kSimit = product("SIMIT", "pastry", 9000);
inline const Product kBaklava = product("BAKLAVA", "pastry", 18000);
inline const Product kEclair = product("ECLAIR", "pastry", 16000);
inline const Product kCoffee = product("COFFEE", "drink", 17000);
inline const Product kTea = product("TEA", "drink", 8000);

inline StampProgram pastry_card(int every = 5) {
  StampProgram p;
  p.id = "pastry";
  p.name = "Pastry card";
  p.items.categories = {"pastry"};
  p.every = every;
  return p;
}

inline Promotion promotion(const std::string& id, PromotionKind kind) {
  Promotion p;
  p.id = id;
  p.name = id;
  p.kind = kind;
  p.items.categories = {"pastry"};
  return p;
}

// Saturday 2026-11-21, 10:30.
inline LocalTime saturday() { return make_local_time(2026, 11, 21, 10, 30); }
// Monday 2026-11-23, 10:30.
inline LocalTime monday() { return make_local_time(2026, 11, 23, 10, 30); }

inline PricingRequest basket(std::vector<BasketLine> lines, LocalTime when = monday()) {
  PricingRequest r;
  r.lines = std::move(lines);
  r.local = when;
  return r;
}

inline PricingRequest card_basket(std::vector<BasketLine> lines, std::int64_t stamps,
                                  LocalTime when = monday()) {
  PricingRequest r = basket(std::move(lines), when);
  r.card = CardState{"card", {{"pastry", stamps, 0, 0}}, {}, false};
  return r;
}

}  // namespace loyalpos::loyalty::testing
