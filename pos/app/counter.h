// The interactive counter: one line in (typed, or "typed" by a scanner,
// from a hardware::LineSource), the screen out as plain text lines. A SKU or
// barcode adds an item ("CROISSANT*2" adds two), "qty 3" sets the last
// line's quantity, a card code or card URL attaches the card (another card
// replaces it and drops what "redeem PROGRAM" asked for it), "pay cash" /
// "pay card" commits the sale and prints the receipt through the spool,
// "code VK2611" gives a promotion code (an unknown one is refused), "void" /
// "void 2" removes the last / second line, "cancel" empties the
// basket, "reprint" prints the last sale again, "skip weekend" takes an
// automatic promotion off this basket (until it is paid or cancelled),
// "nocard" detaches the card and keeps the basket, "phone 89991234567"
// attaches the card that number was given for (pos/phone_lookup.h), "help"
// lists this.
// After every line that changes something: the basket with prices and
// discounts, the total, the card and its progress. A bad line gets a
// one-line error starting with "!" and changes nothing. The counter never
// waits on the network beyond the printer's own timeouts: a receipt the
// printer does not take stays queued and the sale is recorded all the same.
#pragma once

#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "hardware/line_source.h"
#include "hardware/printer_virtual.h"
#include "pos/app/print_spool.h"
#include "pos/config/config.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::pos {

class Counter {
 public:
  using Reload = std::function<Result<Config>()>;

  // `config` is the one `sales` prices with; reload replaces it in place.
  // `spool` may be null: receipts are only shown on the screen.
  Counter(SaleService& sales, Ledger& ledger, Config& config, Reload reload, std::ostream& out,
          PrintSpool* spool = nullptr)
      : sales_(sales),
        ledger_(ledger),
        config_(config),
        reload_(std::move(reload)),
        out_(out),
        spool_(spool) {}

  // Handles one line; false once the barista asked to quit.
  bool handle(std::string_view line);
  // Reads lines until "quit" or the end of the input; between lines, tries
  // the queued receipts that are due.
  void run(hardware::LineSource& lines);
  void run(std::istream& in);
  // With the virtual printer, each printed receipt is followed by the file
  // that holds its picture.
  void show_receipt_pictures(const hardware::VirtualPrinter* printer) { pictures_ = printer; }

 private:
  void print_basket();
  void pay(const std::string& method);
  void set_quantity(const std::string& argument);
  void void_line(const std::string& argument);
  void reprint_last();
  void retry_queued();
  void attach_card(const std::string& token);
  void add_item(const std::string& text, const std::string& alternative);
  void add_code(const std::string& text);
  // A one-shot coupon, typed after "code" or scanned (pos/coupons.h).
  void add_coupon(const std::string& text);
  bool is_coupon_scan(const std::string& text);
  void skip_promotion(const std::string& id);
  void detach_card();
  void attach_by_phone(const std::string& number);
  std::string promotion_name(const std::string& id) const;
  void reload();

  SaleService& sales_;
  Ledger& ledger_;
  Config& config_;
  Reload reload_;
  std::ostream& out_;
  PrintSpool* spool_;
  std::vector<ItemRequest> items_;
  std::int64_t last_sale_id_ = 0;
  std::vector<std::string> redeem_;
  std::vector<std::string> codes_;  // promotion codes given, upper case, once each
  std::vector<std::string> skip_;   // promotion ids taken off this basket
  std::optional<Card> card_;
  std::string cashier_;
  const hardware::VirtualPrinter* pictures_ = nullptr;
};

}  // namespace loyalpos::pos
