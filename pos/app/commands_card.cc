// `loyalpos card issue|sheet|show|phone` and `coupon sheet`: loyalty cards
// and one-shot coupons.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "hardware/card_sheet.h"
#include "hardware/png_writer.h"
#include "hardware/qr_code.h"
#include "hardware/svg_writer.h"
#include "loyalty/card_token.h"
#include "loyalty/scan_input.h"
#include "pos/app/cli_session.h"
#include "pos/ledger/coupons.h"
#include "pos/ledger/json_output.h"
#include "pos/ledger/phone_lookup.h"
#include "pos/ledger/random.h"
#include "pos/ledger/text_field.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

Status write_card_images(const std::string& url, const std::string& png_file,
                         const std::string& svg_file) {
  if (png_file.empty() && svg_file.empty()) return ok_status();
  auto matrix = hardware::encode_qr(url);
  if (!matrix.ok()) return matrix.error();
  if (!png_file.empty()) LOYALPOS_TRY(hardware::write_qr_png(*matrix, png_file));
  if (!svg_file.empty()) {
    auto svg = hardware::qr_svg(*matrix);
    if (!svg.ok()) return svg.error();
    std::ofstream out(svg_file, std::ios::binary);
    out << *svg;
    if (!out) return Error::io("cannot write " + svg_file);
  }
  return ok_status();
}

struct IssueArgs {
  std::string referrer_token, png_file, svg_file;
};
struct SheetArgs {
  int sheet_count = 10;
  std::string sheet_file, sheet_shop;
};
struct CouponArgs {
  std::string coupon_promotion, coupon_file;
  int coupon_count = 10;
};
struct PhoneArgs {
  std::string phone_token, phone_number;
  bool phone_consent = false;
};
struct ShowArgs {
  std::string token;
};

int card_issue(Context& c, IssueArgs& a) {
  std::optional<Card> referrer;
  if (!a.referrer_token.empty()) {
    auto found = find_card(c.sales, c.config, a.referrer_token);
    if (!found.ok()) return fail(c.options, found.error().with_context("--referrer: "));
    referrer = *found;
  }
  auto id = random_card_id();
  if (!id.ok()) return fail(c.options, id.error());
  auto issued = c.ledger.issue_card(*id, c.session->clock->now_unix(), referrer);
  if (!issued.ok()) return fail(c.options, issued.error());
  const std::string url = loyalty::card_url(c.config.card_base_url, issued->token);
  if (auto s = write_card_images(url, a.png_file, a.svg_file); !s.ok()) {
    return fail(c.options, s.error().with_context("card " + issued->token + " was issued, but "));
  }
  if (c.options.json) {
    print_json({{"token", issued->token}, {"card_id", issued->card_id}, {"url", url}});
  } else {
    std::cout << issued->token << "\n";
  }
  return 0;
}

int card_sheet(Context& c, SheetArgs& a) {
  if (a.sheet_count < 1 || a.sheet_count > 500) {
    return fail(c.options, Error::invalid("--count must be from 1 to 500"));
  }
  const std::string shop = a.sheet_shop.empty() ? c.ledger.terminal().store_name : a.sheet_shop;
  if (auto s = check_text_field("--shop", shop, kMaxShortName); !s.ok()) {
    return fail(c.options, s.error());
  }
  std::vector<loyalty::CardId> ids;
  for (int i = 0; i < a.sheet_count; ++i) {
    auto id = random_card_id();
    if (!id.ok()) return fail(c.options, id.error());
    ids.push_back(*id);
  }
  if (!c.options.json && a.sheet_count >= 50) {
    std::cerr << "laying out " << a.sheet_count << " cards on " << a.sheet_file << "\n";
  }
  // The cards are issued only if their sheet was written: one transaction.
  std::vector<hardware::SheetCard> cards;
  json tokens = json::array();
  auto issued = c.ledger.issue_cards(ids, c.session->clock->now_unix(), [&](const auto& made) {
    for (const auto& card : made) {
      cards.push_back({loyalty::card_url(c.config.card_base_url, card.token),
                       loyalty::group_token(card.token)});
      tokens.push_back(card.token);
    }
    return hardware::write_card_sheet(cards, shop, a.sheet_file);
  });
  if (!issued.ok()) return fail(c.options, issued.error().with_context("no cards issued: "));
  if (c.options.json) {
    print_json({{"pdf", a.sheet_file}, {"tokens", tokens}});
  } else {
    std::cout << "Wrote " << cards.size() << " cards to " << a.sheet_file << "\n";
  }
  return 0;
}

int coupon_sheet(Context& c, CouponArgs& a) {
  if (a.coupon_count < 1 || a.coupon_count > 500) {
    return fail(c.options, Error::invalid("--count must be from 1 to 500"));
  }
  const auto& promotions = c.config.rules.promotions;
  const auto promo =
      std::find_if(promotions.begin(), promotions.end(),
                   [&](const loyalty::Promotion& p) { return p.id == a.coupon_promotion; });
  if (promo == promotions.end()) {
    return fail(c.options, Error::not_found("no promotion \"" + a.coupon_promotion + "\""));
  }
  if (!promo->coupons) {
    return fail(c.options, Error::invalid("promotion \"" + a.coupon_promotion +
                                          "\" takes no coupons: set coupons = true in its "
                                          "[[promotions]] table first"));
  }
  // The coupons are issued only if their sheet was written: one transaction.
  auto issued = issue_coupons(c.ledger, promo->id, a.coupon_count, c.session->clock->now_unix(),
                              random_bits, [&](const std::vector<std::string>& codes) {
                                std::vector<hardware::SheetCard> cards;
                                for (const auto& code : codes)
                                  cards.push_back({code, loyalty::group_token(code)});
                                return hardware::write_code_sheet(
                                    cards, promo->name, promo->name + " coupons", a.coupon_file);
                              });
  if (!issued.ok()) return fail(c.options, issued.error().with_context("no coupons issued: "));
  if (c.options.json) {
    print_json({{"pdf", a.coupon_file}, {"promotion", promo->id}, {"codes", *issued}});
  } else {
    std::cout << "Wrote " << issued->size() << " coupons of " << promo->id << " to "
              << a.coupon_file << "\n";
  }
  return 0;
}

int card_phone(Context& c, PhoneArgs& a) {
  if (!a.phone_consent) {
    return fail(c.options, Error::invalid("ask the customer first: a phone number is kept only "
                                          "with their consent (add --consent once they agree)"));
  }
  auto found = find_card(c.sales, c.config, a.phone_token);
  if (!found.ok()) return fail(c.options, found.error());
  const std::int64_t now = c.session->clock->now_unix();
  if (auto s = attach_phone(c.ledger, *found, a.phone_number, now); !s.ok()) {
    return fail(c.options, s.error());
  }
  if (c.options.json) {
    print_json({{"token", found->token}, {"card_id", found->card_id}, {"consented_at", now}});
  } else {
    std::cout << "Card " << loyalty::group_token(found->token)
              << " can now be found by the customer's phone number\n";
  }
  return 0;
}

int card_show(Context& c, ShowArgs& a) {
  auto found = find_card(c.sales, c.config, a.token);
  if (!found.ok()) return fail(c.options, found.error());
  auto history = c.sales.history(*found);
  if (!history.ok()) return fail(c.options, history.error());
  if (c.options.json) {
    print_json(card_json(*history, c.config.rules));
  } else {
    print_card_text(*history, c.config, *c.session->clock);
  }
  return 0;
}

}  // namespace

void add_card_commands(CLI::App& app, std::vector<Command>& commands) {
  auto* card = app.add_subcommand("card", "loyalty cards");
  card->require_subcommand(1);

  auto* issue = card->add_subcommand("issue", "issue a new loyalty card");
  auto issue_args = std::make_shared<IssueArgs>();
  issue->add_option("--referrer", issue_args->referrer_token,
                    "the card of the customer who recommended us");
  issue->add_option("--png", issue_args->png_file, "also write the card's QR code as a PNG image");
  issue->add_option("--svg", issue_args->svg_file, "also write the card's QR code as an SVG image");
  commands.push_back({issue, [issue_args](Context& c) { return card_issue(c, *issue_args); }});

  auto* sheet = card->add_subcommand("sheet", "issue N cards on an A4 PDF for card stock");
  auto sheet_args = std::make_shared<SheetArgs>();
  sheet->add_option("--count", sheet_args->sheet_count, "how many cards (1-500)")
      ->capture_default_str();
  sheet->add_option("--out", sheet_args->sheet_file, "the PDF to write")->required();
  sheet->add_option("--shop", sheet_args->sheet_shop,
                    "the name printed on the cards (default: the store)");
  commands.push_back({sheet, [sheet_args](Context& c) { return card_sheet(c, *sheet_args); }});

  auto* show = card->add_subcommand("show", "a card's stamps, rewards and visits");
  auto show_args = std::make_shared<ShowArgs>();
  show->add_option("TOKEN", show_args->token, "the card's code")->required();
  commands.push_back({show, [show_args](Context& c) { return card_show(c, *show_args); }});

  auto* phone = card->add_subcommand("phone", "let a customer be found by their phone number");
  auto phone_args = std::make_shared<PhoneArgs>();
  phone->add_option("TOKEN", phone_args->phone_token, "the card's code")->required();
  phone->add_option("PHONE", phone_args->phone_number, "the customer's phone number")->required();
  phone->add_flag("--consent", phone_args->phone_consent,
                  "the customer agreed to be found by this number");
  commands.push_back({phone, [phone_args](Context& c) { return card_phone(c, *phone_args); }});

  auto* coupon = app.add_subcommand("coupon", "one-shot coupons of a promotion");
  coupon->require_subcommand(1);
  auto* coupons = coupon->add_subcommand("sheet", "issue N coupons of a promotion on an A4 PDF");
  auto coupon_args = std::make_shared<CouponArgs>();
  coupons->add_option("--promotion", coupon_args->coupon_promotion, "the promotion's id")
      ->required();
  coupons->add_option("--count", coupon_args->coupon_count, "how many coupons (1-500)")
      ->capture_default_str();
  coupons->add_option("--out", coupon_args->coupon_file, "the PDF to write")->required();
  commands.push_back(
      {coupons, [coupon_args](Context& c) { return coupon_sheet(c, *coupon_args); }});
}

}  // namespace loyalpos::pos
