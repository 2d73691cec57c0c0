// The interactive counter: one line in (typed, or "typed" by a keyboard-wedge
// scanner), the running basket out. A SKU or barcode adds an item
// ("CROISSANT*2" adds two), a card code or card URL attaches the card,
// "pay cash" / "pay card" commits the sale and prints the receipt, "void"
// removes the last item, "cancel" empties the basket, "help" lists this.
// A bad line gets a one-line error and changes nothing.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "pos/config.h"
#include "pos/sale_service.h"

namespace loyalpos::pos {

class Counter {
 public:
  Counter(SaleService& sales, Ledger& ledger, const Config& config, std::ostream& out)
      : sales_(sales), ledger_(ledger), config_(config), out_(out) {}

  // Handles one line; false once the barista asked to quit.
  bool handle(std::string_view line);
  void run(std::istream& in);

 private:
  void print_basket();
  void pay(const std::string& method);
  bool try_card(const std::string& text);

  SaleService& sales_;
  Ledger& ledger_;
  const Config& config_;
  std::ostream& out_;
  std::vector<ItemRequest> items_;
  std::optional<Card> card_;
  std::string cashier_;
};

}  // namespace loyalpos::pos
