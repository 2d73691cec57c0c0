#include "pos/counter.h"

#include "loyalty/money.h"
#include "loyalty/scan_input.h"
#include "pos/receipt_text.h"

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

constexpr const char* kHelp =
    "Scan or type a SKU or barcode to add it (SKU*3 adds three).\n"
    "Scan a loyalty card to attach it.\n"
    "pay cash | pay card   complete the sale and print the receipt\n"
    "void                  remove the last item\n"
    "redeem PROGRAM        use the card's banked reward (e.g. redeem pastry)\n"
    "reload                re-read the config\n"
    "cancel                empty the basket\n"
    "quit                  leave the counter\n";

}  // namespace

void Counter::run(std::istream& in) {
  out_ << ledger_.terminal().store_name << " — counter ready. Type help for commands.\n";
  std::string line;
  while (std::getline(in, line)) {
    if (!handle(line)) break;
    out_.flush();
  }
  if (!items_.empty()) out_ << "Basket left unpaid; nothing was recorded.\n";
}

void Counter::attach_card(const std::string& token) {
  auto card = sales_.resolve_card(token);
  if (!card.ok()) {
    out_ << "! " << card.error().message() << "\n";
    return;
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
  auto quote = sales_.quote(*lines, card_, redeem_);
  if (!quote.ok()) {
    items_.pop_back();
    out_ << "! " << quote.error().message() << "\n";
    return;
  }
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
    card_.reset();
    out_ << "Basket cancelled.\n";
    return true;
  }
  if (word == "void") {
    if (items_.empty()) {
      out_ << "! nothing to void\n";
      return true;
    }
    items_.pop_back();
    print_basket();
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
  if (word.rfind("redeem", 0) == 0) {
    const std::string program = trim(word.substr(6));
    if (!card_) {
      out_ << "! scan the customer's card first\n";
      return true;
    }
    redeem_.push_back(program);
    if (!items_.empty()) {
      auto lines = sales_.resolve_items(items_);
      auto quote = lines.ok() ? sales_.quote(*lines, card_, redeem_)
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
    auto quote = lines.ok() ? sales_.quote(*lines, card_, redeem_)
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
  if (card_) {
    auto history = sales_.history(*card_);
    if (history.ok()) {
      for (const auto& text : card_progress_lines(*history, config_.rules)) {
        out_ << "Card: " << text << "\n";
      }
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
  auto sale = sales_.sell(request);
  if (!sale.ok()) {
    out_ << "! sale not recorded: " << sale.error().message() << "\n";
    return;
  }
  for (const auto& line :
       receipt_lines(*sale, ledger_.terminal(), kScreenColumns, config_.rules.language)) {
    out_ << line << "\n";
  }
  out_ << "Sale " << sale->sale_id << " recorded.\n";
  items_.clear();
  redeem_.clear();
  card_.reset();
}

}  // namespace loyalpos::pos
