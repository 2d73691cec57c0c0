// The interactive counter: one line in (typed, or "typed" by a keyboard-wedge
// scanner), the running basket out. A SKU or barcode adds an item
// ("CROISSANT*2" adds two), a card code or card URL attaches the card,
// "pay cash" / "pay card" commits the sale and prints the receipt, "void"
// removes the last item, "cancel" empties the basket, "help" lists this.
// A bad line gets a one-line error and changes nothing.
#pragma once

#include <functional>
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
  using Reload = std::function<Result<Config>()>;

  // `config` is the one `sales` prices with; reload replaces it in place.
  Counter(SaleService& sales, Ledger& ledger, Config& config, Reload reload, std::ostream& out)
      : sales_(sales), ledger_(ledger), config_(config), reload_(std::move(reload)), out_(out) {}

  // Handles one line; false once the barista asked to quit.
  bool handle(std::string_view line);
  void run(std::istream& in);

 private:
  void print_basket();
  void pay(const std::string& method);
  void attach_card(const std::string& token);
  void add_item(const std::string& text, const std::string& alternative);
  void reload();

  SaleService& sales_;
  Ledger& ledger_;
  Config& config_;
  Reload reload_;
  std::ostream& out_;
  std::vector<ItemRequest> items_;
  std::vector<std::string> redeem_;
  std::optional<Card> card_;
  std::string cashier_;
};

}  // namespace loyalpos::pos
