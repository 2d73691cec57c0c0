#include "pos/app/counter.h"

#include <algorithm>

#include "loyalty/coupon_code.h"
#include "loyalty/money.h"
#include "loyalty/pricing.h"
#include "loyalty/scan_input.h"
#include "pos/app/print_messages.h"
#include "pos/ledger/coupons.h"
#include "pos/ledger/phone_lookup.h"
#include "pos/ledger/receipt_text.h"

namespace loyalpos::pos {

namespace {

constexpr int kScreenColumns = 48;

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string lower(std::string text) {
  for (auto& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// A whole number from `min` to `max`, or nothing.
std::optional<std::int64_t> parse_count(const std::string& text, std::int64_t min,
                                        std::int64_t max) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const std::int64_t n = std::stoll(text);
  if (n < min || n > max) return std::nullopt;
  return n;
}

constexpr const char* kHelp =
    "Scan or type a SKU or barcode to add it (SKU*3 adds three).\n"
    "Scan a loyalty card to attach it.\n"
    "qty N                 set the last line's quantity to N\n"
    "void | void N         remove the last line | line N\n"
    "pay cash | pay card   complete the sale and print the receipt\n"
    "redeem PROGRAM        use the card's banked or points reward (e.g. redeem pastry)\n"
    "code CODE             a promotion code or one-shot coupon the customer shows\n"
    "                      (e.g. code VK2611); scanning a coupon's QR does the same\n"
    "skip PROMOTION        take an automatic promotion off this basket (e.g. skip weekend)\n"
    "phone NUMBER          find the card of a customer who gave their number\n"
    "nocard                detach the card and keep the basket\n"
    "reprint               print the last sale's receipt again\n"
    "reload                re-read the config\n"
    "cancel                empty the basket\n"
    "quit                  leave the counter\n";

}  // namespace

void Counter::run(hardware::LineSource& lines) {
  out_ << ledger_.terminal().store_name << " — counter ready. Type help for commands.\n";
  retry_queued();
  out_.flush();
  for (;;) {
    auto line = lines.next_line();
    if (!line.ok()) {
      out_ << "! " << line.error().message() << "\n";
      if (line.error().code() != ErrorCode::kInvalidInput)
        break;  // only an over-long line is skipped
      continue;
    }
    if (!*line || !handle(**line)) break;
    retry_queued();
    out_.flush();
  }
  if (!items_.empty()) out_ << "Basket left unpaid; nothing was recorded.\n";
  out_.flush();
}

void Counter::run(std::istream& in) {
  hardware::StreamLineSource lines(in);
  run(lines);
}

void Counter::retry_queued() {
  if (spool_ == nullptr || !spool_->enabled()) return;
  auto summary = spool_->retry(false, kBacklogRetryBudget);
  if (!summary.ok()) {
    out_ << "! print queue: " << summary.error().message() << "\n";
    return;
  }
  for (const auto& outcome : summary->tried) {
    if (outcome.state == "printed") {
      out_ << "Queued receipt of sale " << outcome.sale_id << " printed.\n";
    } else if (outcome.state == "failed") {
      out_ << "! " << print_outcome_message(outcome) << "\n";
    }
  }
}

void Counter::set_quantity(const std::string& argument) {
  if (items_.empty()) {
    out_ << "! the basket is empty\n";
    return;
  }
  const auto qty = parse_count(argument, 1, loyalty::kMaxQuantity);
  if (!qty) {
    out_ << "! say qty N, N a whole number from 1 to " << loyalty::kMaxQuantity << "\n";
    return;
  }
  const std::int64_t before = items_.back().qty;
  items_.back().qty = *qty;
  auto lines = sales_.resolve_items(items_);
  auto quote = lines.ok() ? sales_.quote(*lines, card_, redeem_, codes_, skip_)
                          : Result<loyalty::PricedBasket>(lines.error());
  if (!quote.ok()) {
    items_.back().qty = before;
    out_ << "! " << quote.error().message() << "\n";
    return;
  }
  print_basket();
}

void Counter::void_line(const std::string& argument) {
  if (items_.empty()) {
    out_ << "! nothing to void\n";
    return;
  }
  std::size_t index = items_.size() - 1;
  if (!argument.empty()) {
    const auto n = parse_count(argument, 1, static_cast<std::int64_t>(items_.size()));
    if (!n) {
      out_ << "! say void N, N a line from 1 to " << items_.size() << "\n";
      return;
    }
    index = static_cast<std::size_t>(*n - 1);
  }
  items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(index));
  print_basket();
}

void Counter::reprint_last() {
  if (last_sale_id_ == 0) {
    out_ << "! no sale yet at this counter (loyalpos reprint SALE_ID prints any sale)\n";
    return;
  }
  if (spool_ == nullptr || !spool_->enabled()) {
    out_ << "! no printer is set up ([printer] type in config.toml)\n";
    return;
  }
  auto printed = spool_->reprint(last_sale_id_);
  if (!printed.ok()) {
    out_ << "! reprint of sale " << last_sale_id_ << ": " << printed.error().message() << "\n";
    return;
  }
  out_ << "Receipt of sale " << last_sale_id_ << " reprinted.\n";
}

void Counter::attach_card(const std::string& token) {
  auto card = sales_.resolve_card(token);
  if (!card.ok()) {
    out_ << "! " << card.error().message() << "\n";
    return;
  }
  // A redemption is the attached card's: another card never spends a
  // reward its holder did not ask for.
  if (card_ && card_->card_id != card->card_id) {
    for (const auto& program : redeem_) {
      out_ << "Reward of " << program << " not used: the card changed.\n";
    }
    redeem_.clear();
  }
  card_ = *card;
  out_ << "Card attached.\n";
  print_basket();
}

void Counter::add_item(const std::string& text, const std::string& alternative) {
  auto item = parse_item(text);
  if (!item.ok()) {
    out_ << "! " << item.error().message() << "\n";
    return;
  }
  items_.push_back(*item);
  auto lines = sales_.resolve_items(items_);
  if (!lines.ok() && !alternative.empty()) {
    // A SKU typed under the Russian layout: try the same keys as QWERTY.
    items_.pop_back();
    auto latin = parse_item(alternative);
    if (latin.ok()) {
      items_.push_back(*latin);
      auto retry = sales_.resolve_items(items_);
      if (retry.ok()) {
        lines = std::move(retry);
      } else {
        items_.pop_back();
        items_.push_back(*item);
      }
    } else {
      items_.push_back(*item);
    }
  }
  if (!lines.ok()) {
    items_.pop_back();
    out_ << "! " << lines.error().message() << "\n";
    return;
  }
  auto quote = sales_.quote(*lines, card_, redeem_, codes_, skip_);
  if (!quote.ok()) {
    items_.pop_back();
    out_ << "! " << quote.error().message() << "\n";
    return;
  }
  print_basket();
}

void Counter::add_code(const std::string& text) {
  if (text.empty()) {
    out_ << "! say code CODE, e.g. code VK2611\n";
    return;
  }
  const loyalty::Promotion* promo = loyalty::promotion_for_code(config_.rules, text);
  if (promo == nullptr) {
    add_coupon(text);
    return;
  }
  if (std::find(codes_.begin(), codes_.end(), promo->code) == codes_.end()) {
    codes_.push_back(promo->code);
  }
  out_ << "Code " << promo->code << " given: " << promo->name << ".\n";
  print_basket();
}

bool Counter::is_coupon_scan(const std::string& text) {
  const std::string code = loyalty::normal_code(text);
  if (!loyalty::is_coupon_code(code)) return false;
  auto coupon = find_coupon(ledger_, code);
  return coupon.ok() && coupon->has_value();
}

void Counter::add_coupon(const std::string& text) {
  auto coupon = find_unused_coupon(ledger_, text);
  if (!coupon.ok()) {
    out_ << "! " << coupon.error().message() << "\n";
    return;
  }
  if (!*coupon) {
    out_ << "! unknown code \"" << text << "\"\n";
    return;
  }
  const std::string& code = (*coupon)->code;
  if (std::find(codes_.begin(), codes_.end(), code) == codes_.end()) codes_.push_back(code);
  out_ << "Coupon " << code << " given: " << promotion_name((*coupon)->promotion_id) << ".\n";
  print_basket();
}

std::string Counter::promotion_name(const std::string& id) const {
  for (const auto& promo : config_.rules.promotions) {
    if (promo.id == id) return promo.name.empty() ? promo.id : promo.name;
  }
  return id;
}

void Counter::skip_promotion(const std::string& argument) {
  const auto& promotions = config_.rules.promotions;
  std::string ids;
  for (const auto& promo : promotions) ids += (ids.empty() ? "" : ", ") + promo.id;
  if (argument.empty()) {
    out_ << "! say skip PROMOTION, e.g. skip "
         << (promotions.empty() ? std::string("weekend") : promotions.front().id) << "\n";
    return;
  }
  const auto promo =
      std::find_if(promotions.begin(), promotions.end(),
                   [&](const loyalty::Promotion& p) { return lower(p.id) == lower(argument); });
  if (promo == promotions.end()) {
    out_ << "! no promotion \"" << argument << "\"; "
         << (ids.empty() ? std::string("the config has none") : "the promotions are: " + ids)
         << "\n";
    return;
  }
  if (std::find(skip_.begin(), skip_.end(), promo->id) == skip_.end()) skip_.push_back(promo->id);
  out_ << promotion_name(promo->id) << " taken off this basket.\n";
  print_basket();
}

void Counter::attach_by_phone(const std::string& number) {
  if (number.empty()) {
    out_ << "! say phone NUMBER, e.g. phone 8 999 123-45-67\n";
    return;
  }
  auto card = find_card_by_phone(ledger_, number);
  if (!card.ok()) {
    out_ << "! " << card.error().message() << "\n";
    return;
  }
  attach_card(card->token);
}

void Counter::detach_card() {
  if (!card_) {
    out_ << "! no card is attached\n";
    return;
  }
  card_.reset();
  out_ << "Card detached.\n";
  // A redemption is the card's: it goes with it.
  for (const auto& program : redeem_) {
    out_ << "Reward of " << program << " not used: the card was detached.\n";
  }
  redeem_.clear();
  print_basket();
}

void Counter::reload() {
  auto fresh = reload_();
  if (!fresh.ok()) {
    out_ << "! config not reloaded, still using the last good one: " << fresh.error().message()
         << "\n";
    return;
  }
  config_ = std::move(*fresh);
  out_ << "Config reloaded.\n";
}

bool Counter::handle(std::string_view raw) {
  const std::string line = trim(raw);
  if (line.empty()) return true;
  const std::string word = lower(line);
  if (word == "quit" || word == "exit") return false;
  if (word == "help") {
    out_ << kHelp;
    return true;
  }
  if (word == "reload") {
    reload();
    return true;
  }
  if (word == "cancel") {
    items_.clear();
    redeem_.clear();
    codes_.clear();
    skip_.clear();
    card_.reset();
    out_ << "Basket cancelled.\n";
    return true;
  }
  if (word == "void" || word.rfind("void ", 0) == 0) {
    void_line(trim(word.substr(4)));
    return true;
  }
  if (word.rfind("qty ", 0) == 0) {
    set_quantity(trim(word.substr(4)));
    return true;
  }
  if (word == "reprint") {
    reprint_last();
    return true;
  }
  if (word.rfind("pay", 0) == 0) {
    const std::string method = trim(word.substr(3));
    if (method != "cash" && method != "card") {
      out_ << "! say pay cash or pay card\n";
      return true;
    }
    pay(method);
    return true;
  }
  if (word == "skip" || word.rfind("skip ", 0) == 0) {
    skip_promotion(trim(line.substr(4)));
    return true;
  }
  if (word == "phone" || word.rfind("phone ", 0) == 0) {
    attach_by_phone(trim(line.substr(5)));
    return true;
  }
  if (word == "nocard") {
    detach_card();
    return true;
  }
  if (word == "code" || word.rfind("code ", 0) == 0) {
    add_code(trim(line.substr(4)));
    return true;
  }
  if (word.rfind("redeem", 0) == 0) {
    const std::string program = trim(word.substr(6));
    if (!card_) {
      out_ << "! scan the customer's card first\n";
      return true;
    }
    redeem_.push_back(program);
    if (!items_.empty()) {
      auto lines = sales_.resolve_items(items_);
      auto quote = lines.ok() ? sales_.quote(*lines, card_, redeem_, codes_, skip_)
                              : Result<loyalty::PricedBasket>(lines.error());
      if (!quote.ok()) {
        redeem_.pop_back();
        out_ << "! " << quote.error().message() << "\n";
        return true;
      }
    }
    out_ << "Reward of " << program << " will be used.\n";
    print_basket();
    return true;
  }

  const loyalty::ScanSettings settings{config_.card_base_url, config_.scanner_prefix,
                                       config_.scanner_suffix};
  auto scan = loyalty::classify_scan(raw, settings);
  if (!scan.ok()) {
    out_ << "! " << scan.error().message() << "\n";
    return true;
  }
  switch (scan->kind) {
    case loyalty::Scan::Kind::kCard:
      attach_card(scan->token);
      break;
    case loyalty::Scan::Kind::kProductBarcode:
      add_item(scan->barcode, "");
      break;
    case loyalty::Scan::Kind::kText:
      // A coupon's QR holds just its code: scanned, it is given as a code.
      if (is_coupon_scan(scan->text)) {
        add_coupon(scan->text);
        break;
      }
      add_item(scan->text, scan->latin_text);
      break;
  }
  return true;
}

void Counter::print_basket() {
  const int exponent = ledger_.terminal().currency.exponent;
  auto money = [&](std::int64_t minor) { return loyalty::format_minor_units(minor, exponent); };
  if (items_.empty()) {
    out_ << "Basket is empty.\n";
  } else {
    auto lines = sales_.resolve_items(items_);
    auto quote = lines.ok() ? sales_.quote(*lines, card_, redeem_, codes_, skip_)
                            : Result<loyalty::PricedBasket>(lines.error());
    if (!quote.ok()) {
      out_ << "! " << quote.error().message() << "\n";
      return;
    }
    int n = 0;
    for (const auto& line : quote->lines) {
      const std::string left = std::to_string(++n) + ". " + line.product.name +
                               (line.qty > 1 ? " x" + std::to_string(line.qty) : "");
      out_ << two_columns(left, money(line.gross), kScreenColumns) << "\n";
      for (const auto& d : line.discounts) {
        out_ << two_columns("   " + d.reason, "-" + money(d.amount), kScreenColumns) << "\n";
      }
    }
    out_ << two_columns("TOTAL " + ledger_.terminal().currency.code, money(quote->total),
                        kScreenColumns)
         << "\n";
  }
  for (const auto& id : skip_) out_ << "Skipped: " << promotion_name(id) << " (" << id << ")\n";
  if (card_) {
    auto history = sales_.history(*card_);
    if (history.ok()) {
      for (const auto& text : card_progress_lines(*history, config_.rules)) {
        out_ << "Card: " << text << "\n";
      }
    }
  }
  if (spool_ != nullptr && spool_->enabled()) {
    auto open = spool_->open_jobs();
    if (open.ok() && !open->empty()) {
      out_ << "Printer: " << open->size() << " receipt(s) not printed (loyalpos print queue)\n";
    }
  }
}

void Counter::pay(const std::string& method) {
  if (items_.empty()) {
    out_ << "! the basket is empty\n";
    return;
  }
  SaleRequest request;
  request.items = items_;
  if (card_) request.card_token = card_->token;
  request.payment = method;
  request.cashier = cashier_;
  request.redeem = redeem_;
  request.codes = codes_;
  request.skip_promotions = skip_;
  auto sale = sales_.sell(request);
  if (!sale.ok()) {
    out_ << "! sale not recorded: " << sale.error().message() << "\n";
    return;
  }
  for (const auto& line : receipt_lines(*sale, ledger_.terminal(), sales_.clock().zone(),
                                        kScreenColumns, config_.rules.language)) {
    out_ << line << "\n";
  }
  out_ << "Sale " << sale->sale_id << " recorded.\n";
  last_sale_id_ = sale->sale_id;
  items_.clear();
  redeem_.clear();
  codes_.clear();
  skip_.clear();
  card_.reset();
  out_.flush();  // the sale is on the screen before the printer is reached
  if (spool_ != nullptr && spool_->enabled()) {
    const PrintOutcome printed = spool_->print_sale(*sale);
    if (printed.state == "printed") {
      out_ << "Receipt printed.\n";
      if (pictures_ != nullptr && !pictures_->last_job().empty()) {
        out_ << "Receipt picture: " << pictures_->last_job() << ".png\n";
      }
    } else {
      out_ << "! " << print_outcome_message(printed) << "\n";
    }
  }
}

}  // namespace loyalpos::pos
