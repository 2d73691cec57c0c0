// `loyalpos sale` and `refund`: ringing a sale up and taking items back.
#include <iostream>
#include <nlohmann/json.hpp>

#include "loyalty/money.h"
#include "pos/app/cli_session.h"
#include "pos/app/print_messages.h"
#include "pos/ledger/json_output.h"
#include "pos/ledger/phone_lookup.h"
#include "pos/ledger/receipt_text.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

struct SaleArgs {
  SaleRequest sale_request;
  std::string sale_card, sale_phone;
  std::vector<std::string> items;
};
struct RefundArgs {
  std::int64_t refund_id = 0;
  std::vector<std::string> refund_items;
};

int sale(Context& c, SaleArgs& a) {
  for (const auto& text : a.items) {
    auto item = parse_item(text);
    if (!item.ok()) return fail(c.options, item.error());
    a.sale_request.items.push_back(*item);
  }
  if (!a.sale_card.empty() && !a.sale_phone.empty()) {
    return fail(c.options, Error::invalid("give --card or --phone, not both"));
  }
  if (!a.sale_card.empty() || !a.sale_phone.empty()) {
    auto found = a.sale_card.empty() ? find_card_by_phone(c.ledger, a.sale_phone)
                                     : find_card(c.sales, c.config, a.sale_card);
    if (!found.ok()) return fail(c.options, found.error());
    a.sale_request.card_token = found->token;
  }
  auto record = c.sales.sell(a.sale_request);
  if (!record.ok()) return fail(c.options, record.error());
  // The sale is recorded: from here on nothing fails the command.
  if (!c.options.json) {
    for (const auto& line : receipt_lines(*record, c.ledger.terminal(), c.session->clock->zone(),
                                          kReceiptColumns, c.config.rules.language)) {
      std::cout << line << "\n";
    }
    std::cout.flush();
  }
  // The picture is of this sale's receipt: taken before the backlog prints.
  std::string picture;
  bool own = true;
  const PrintOutcome printed = print_after_sale(c.spool, *record, [&](const PrintOutcome& o) {
    if (own && o.state == "printed") picture = receipt_picture(c.printer.get());
    own = false;
    report_print(c.options, o);
  });
  if (!picture.empty() && !c.options.json) std::cout << "Receipt picture: " << picture << "\n";
  if (c.options.json) {
    json out = sale_json(*record, c.ledger.terminal(), c.config.rules);
    out["print"] = print_outcome_json(printed);
    if (!picture.empty()) out["print"]["picture"] = picture;
    print_json(out);
  }
  return 0;
}

int refund(Context& c, RefundArgs& a) {
  std::vector<ItemRequest> returning;
  for (const auto& text : a.refund_items) {
    auto item = parse_item(text);
    if (!item.ok()) return fail(c.options, item.error());
    returning.push_back(*item);
  }
  auto record = c.sales.refund(a.refund_id, returning);
  if (!record.ok()) return fail(c.options, record.error());
  if (c.options.json) {
    print_json(refund_json(*record, c.ledger.terminal(), c.config.rules));
  } else {
    const int exponent = c.ledger.terminal().currency.exponent;
    std::cout << (record->complete ? "Refunded sale " : "Refunded part of sale ") << record->sale_id
              << ": " << loyalty::format_minor_units(record->amount, exponent) << " "
              << c.ledger.terminal().currency.code << "\n";
    for (const auto& line : record->lines) {
      std::cout << two_columns("  " + std::to_string(line.qty) + " x " + line.name,
                               loyalty::format_minor_units(line.amount, exponent), kReceiptColumns)
                << "\n";
    }
    if (record->card) print_card_text(*record->card, c.config, *c.session->clock);
  }
  return 0;
}

}  // namespace

void add_sale_commands(CLI::App& app, std::vector<Command>& commands) {
  auto* sale_cmd = app.add_subcommand("sale", "ring up and record a sale");
  auto args = std::make_shared<SaleArgs>();
  sale_cmd->add_option("--card", args->sale_card, "the customer's card code");
  sale_cmd->add_option("--phone", args->sale_phone,
                       "find the customer's card by their phone number");
  sale_cmd->add_option("--cashier", args->sale_request.cashier, "who rang it up");
  sale_cmd->add_option("--pay", args->sale_request.payment, "cash or card")->capture_default_str();
  sale_cmd
      ->add_option("--redeem", args->sale_request.redeem,
                   "use the card's banked reward of PROGRAM (or a points reward)")
      ->allow_extra_args(false);
  sale_cmd
      ->add_option("--code", args->sale_request.codes,
                   "a promotion code the customer showed (any case)")
      ->allow_extra_args(false);
  sale_cmd->add_option("ITEM", args->items, "SKU, barcode or SKU*QTY")->required();
  commands.push_back({sale_cmd, [args](Context& c) { return sale(c, *args); }});

  auto* refund_cmd = app.add_subcommand("refund", "refund a sale, or some of its items");
  auto refund_args = std::make_shared<RefundArgs>();
  refund_cmd->add_option("SALE_ID", refund_args->refund_id, "the sale's number")->required();
  refund_cmd->add_option("ITEM", refund_args->refund_items,
                         "SKU or SKU*QTY to return (default: everything not returned yet)");
  commands.push_back({refund_cmd, [refund_args](Context& c) { return refund(c, *refund_args); }});
}

}  // namespace loyalpos::pos
