#include "pos/app/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hardware/card_sheet.h"
#include "hardware/line_source_serial.h"
#include "hardware/png_writer.h"
#include "hardware/printer_test_page.h"
#include "hardware/printer_virtual.h"
#include "hardware/qr_code.h"
#include "hardware/svg_writer.h"
#include "loyalty/money.h"
#include "loyalty/scan_input.h"
#include "pos/app/counter.h"
#include "pos/app/print_messages.h"
#include "pos/app/print_spool.h"
#include "pos/app/printer_setup.h"
#include "pos/app/serve_command.h"
#include "pos/config/config.h"
#include "pos/config/paths.h"
#include "pos/config/text_file.h"
#include "pos/ledger/audit.h"
#include "pos/ledger/catalog_csv.h"
#include "pos/ledger/clock.h"
#include "pos/ledger/coupons.h"
#include "pos/ledger/json_output.h"
#include "pos/ledger/json_text.h"
#include "pos/ledger/phone_lookup.h"
#include "pos/ledger/random.h"
#include "pos/ledger/receipt_text.h"
#include "pos/ledger/report.h"
#include "pos/ledger/text_field.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

constexpr int kReceiptColumns = 48;

struct Options {
  bool json = false;
  std::string home;
  std::string config_file;
};

// What every command but init needs: the config, the clock, the ledger.
struct Session {
  Config config;
  std::unique_ptr<Clock> clock;
  std::optional<Ledger> ledger;
};

int fail(const Options& options, const Error& error) {
  if (options.json) {
    std::cerr << dump_json(error_json(error)) << "\n";
  } else {
    std::cerr << "loyalpos: " << error.message() << "\n";
  }
  return 1;
}

void print_json(const json& value) { std::cout << dump_json(value) << "\n"; }

Result<Config> load_session_config(const Options& options,
                                   const loyalty::Currency& currency = kDefaultCurrency) {
  if (!options.config_file.empty()) return load_config(options.config_file, currency);
  // Anything at the path is the café's config: a folder or an unreadable
  // file is an error, never a silent fall back to the built-in rules.
  const std::string path = config_path(options.home);
  std::error_code ec;
  if (std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found) {
    return load_config(path, currency);
  }
  return parse_config(default_config_text(), "built-in config", currency);
}

Result<Session> open_session(const Options& options, const ClockSource& make_clock) {
  Session session;
  auto config = load_session_config(options);
  if (!config.ok()) return config.error();
  session.config = std::move(*config);
  use_time_zone(session.config.timezone);
  auto clock = make_clock();
  if (!clock.ok()) return clock.error();
  session.clock = std::move(*clock);
  auto ledger = Ledger::open(ledger_path(options.home), session.config.busy_timeout_ms);
  if (!ledger.ok()) return ledger.error();
  session.ledger.emplace(std::move(*ledger));
  // Amounts in the config are in the ledger's currency.
  if (session.ledger->terminal().currency.exponent != kDefaultCurrency.exponent) {
    auto again = load_session_config(options, session.ledger->terminal().currency);
    if (!again.ok()) return again.error();
    session.config = std::move(*again);
  }
  return session;
}

// What `init` writes for a real shop: the shipped config, whose sample café
// prints pictures of its receipts, with no printer until the shop names its own.
std::string shop_config_text() {
  std::string text(default_config_text());
  const std::string sample_printer = "[printer]\ntype = \"virtual\"";
  if (const auto at = text.find(sample_printer); at != std::string::npos) {
    text.replace(at, sample_printer.size(), "[printer]\ntype = \"none\"");
  }
  return text;
}

Status write_default_config(const std::string& home, std::string_view text) {
  const std::string path = config_path(home);
  if (std::ifstream(path)) return ok_status();
  std::ofstream out(path);
  out << text;
  if (!out) return Error::io("cannot write " + path);
  return ok_status();
}

Result<Ledger> init_ledger(const Options& options, const std::string& store,
                           const std::string& terminal, const std::string& currency,
                           bool sample_catalog, const Clock& clock, int busy_timeout_ms,
                           std::string_view config_text) {
  auto terminal_id = random_terminal_id();
  if (!terminal_id.ok()) return terminal_id.error();
  InitRequest request{store, terminal, currency, *terminal_id, clock.now_unix()};
  auto ledger = Ledger::create(ledger_path(options.home), request, busy_timeout_ms);
  if (!ledger.ok()) return ledger.error();
  LOYALPOS_TRY(write_default_config(options.home, config_text));
  if (sample_catalog) {
    auto products = parse_catalog_csv(default_catalog_csv(), ledger->terminal().currency);
    if (!products.ok()) return products.error().with_context("built-in catalog: ");
    LOYALPOS_TRY(ledger->import_products(*products));
  }
  return ledger;
}

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

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "counter";
  return name;
}

void print_card_text(const CardHistory& card, const Config& config) {
  std::cout << "Card " << loyalty::group_token(card.card.token) << "\n";
  std::cout << "Visits: " << card.visits << "\n";
  if (card.first_visit) std::cout << "First visit: " << local_time_text(*card.first_visit) << "\n";
  if (card.last_visit) std::cout << "Last visit: " << local_time_text(*card.last_visit) << "\n";
  for (const auto& line : card_progress_lines(card, config.rules)) std::cout << line << "\n";
}

// Where the counter's lines come from: the keyboard (stdin) or a serial scanner.
Result<std::unique_ptr<hardware::LineSource>> open_scanner(const ScannerConfig& scanner) {
  if (scanner.type == ScannerType::kSerial) {
    hardware::SerialSettings settings;
    settings.device = scanner.device;
    settings.baud = scanner.baud;
    settings.idle_end = std::chrono::milliseconds(scanner.idle_end_ms);
    auto serial = hardware::SerialLineSource::open(settings);
    if (!serial.ok()) return serial.error();
    return std::unique_ptr<hardware::LineSource>(std::move(*serial));
  }
  return std::unique_ptr<hardware::LineSource>(
      std::make_unique<hardware::StreamLineSource>(std::cin));
}

// Says on stderr what happened to receipts that were not printed.
void report_print(const Options& options, const PrintOutcome& outcome) {
  const std::string message = print_outcome_message(outcome);
  if (!message.empty() && !options.json) std::cerr << "loyalpos: " << message << "\n";
  if (!message.empty() && options.json) {
    std::cerr << dump_json(
                     {{"warning", {{"code", "print_" + outcome.state}, {"message", message}}}})
              << "\n";
  }
}

// A card given on the command line is read as the counter reads a scan:
// its code or link, any case, typed under the Russian layout.
Result<Card> find_card(SaleService& sales, const Config& config, const std::string& given) {
  const loyalty::ScanSettings settings{config.card_base_url, config.scanner_prefix,
                                       config.scanner_suffix};
  auto token = loyalty::read_card_code(given, settings);
  if (!token.ok()) return token.error();
  return sales.resolve_card(*token);
}

// Where the virtual printer drew the receipt it printed last; empty for
// any other printer.
std::string receipt_picture(const hardware::EscPosPrinter* printer) {
  const auto* drawn = dynamic_cast<const hardware::VirtualPrinter*>(printer);
  if (drawn == nullptr || drawn->last_job().empty()) return {};
  return drawn->last_job() + ".png";
}

Error no_printer() {
  return Error::invalid(
      "no printer is set up: set [printer] type in config.toml (see docs/printers.md)");
}

}  // namespace

Result<std::unique_ptr<Clock>> system_clock_source() {
  return std::unique_ptr<Clock>(std::make_unique<SystemClock>());
}

int run_cli(int argc, char** argv, const ClockSource& make_clock) {
  CLI::App app{"loyalpos: the loyalty point of sale for the counter", "loyalpos"};
  app.require_subcommand(0, 1);
  Options options;
  app.add_flag("--json", options.json, "print exactly one JSON object on stdout");
  app.add_option("--home", options.home,
                 "folder of the ledger and config (default $LOYALPOS_HOME)");
  app.add_option("--config", options.config_file, "config file (default <home>/config.toml)");

  auto* init = app.add_subcommand("init", "create the ledger and this terminal's identity");
  std::string store, terminal, currency = "RUB";
  bool sample = false;
  init->add_option("--store", store, "the shop's name")->required();
  init->add_option("--terminal", terminal, "this terminal's name")->required();
  init->add_option("--currency", currency, "ISO 4217 currency code")->capture_default_str();
  init->add_flag("--sample-catalog", sample, "load the sample café catalog");

  auto* catalog = app.add_subcommand("catalog", "the product catalog");
  catalog->require_subcommand(1);
  auto* catalog_import = catalog->add_subcommand("import", "add or update products from a CSV");
  std::string csv_file;
  catalog_import->add_option("FILE", csv_file, "CSV: sku,name,category,price[,barcode]")
      ->required();
  auto* catalog_list = catalog->add_subcommand("list", "list the products");

  auto* card = app.add_subcommand("card", "loyalty cards");
  card->require_subcommand(1);
  auto* card_issue = card->add_subcommand("issue", "issue a new loyalty card");
  std::string referrer_token, png_file, svg_file;
  card_issue->add_option("--referrer", referrer_token,
                         "the card of the customer who recommended us");
  card_issue->add_option("--png", png_file, "also write the card's QR code as a PNG image");
  card_issue->add_option("--svg", svg_file, "also write the card's QR code as an SVG image");
  auto* card_sheet = card->add_subcommand("sheet", "issue N cards on an A4 PDF for card stock");
  int sheet_count = 10;
  std::string sheet_file, sheet_shop;
  card_sheet->add_option("--count", sheet_count, "how many cards (1-500)")->capture_default_str();
  card_sheet->add_option("--out", sheet_file, "the PDF to write")->required();
  card_sheet->add_option("--shop", sheet_shop,
                         "the name printed on the cards (default: the store)");
  auto* card_show = card->add_subcommand("show", "a card's stamps, rewards and visits");
  std::string token;
  card_show->add_option("TOKEN", token, "the card's code")->required();
  auto* card_phone = card->add_subcommand("phone", "let a customer be found by their phone number");
  std::string phone_token, phone_number;
  bool phone_consent = false;
  card_phone->add_option("TOKEN", phone_token, "the card's code")->required();
  card_phone->add_option("PHONE", phone_number, "the customer's phone number")->required();
  card_phone->add_flag("--consent", phone_consent,
                       "the customer agreed to be found by this number");

  auto* coupon = app.add_subcommand("coupon", "one-shot coupons of a promotion");
  coupon->require_subcommand(1);
  auto* coupon_sheet =
      coupon->add_subcommand("sheet", "issue N coupons of a promotion on an A4 PDF");
  std::string coupon_promotion, coupon_file;
  int coupon_count = 10;
  coupon_sheet->add_option("--promotion", coupon_promotion, "the promotion's id")->required();
  coupon_sheet->add_option("--count", coupon_count, "how many coupons (1-500)")
      ->capture_default_str();
  coupon_sheet->add_option("--out", coupon_file, "the PDF to write")->required();

  auto* sale = app.add_subcommand("sale", "ring up and record a sale");
  SaleRequest sale_request;
  std::string sale_card;
  std::vector<std::string> items;
  sale->add_option("--card", sale_card, "the customer's card code");
  std::string sale_phone;
  sale->add_option("--phone", sale_phone, "find the customer's card by their phone number");
  sale->add_option("--cashier", sale_request.cashier, "who rang it up");
  sale->add_option("--pay", sale_request.payment, "cash or card")->capture_default_str();
  sale->add_option("--redeem", sale_request.redeem,
                   "use the card's banked reward of PROGRAM (or a points reward)")
      ->allow_extra_args(false);
  sale->add_option("--code", sale_request.codes, "a promotion code the customer showed (any case)")
      ->allow_extra_args(false);
  sale->add_option("ITEM", items, "SKU, barcode or SKU*QTY")->required();

  auto* refund = app.add_subcommand("refund", "refund a sale, or some of its items");
  std::int64_t refund_id = 0;
  std::vector<std::string> refund_items;
  refund->add_option("SALE_ID", refund_id, "the sale's number")->required();
  refund->add_option("ITEM", refund_items,
                     "SKU or SKU*QTY to return (default: everything not returned yet)");

  auto* report = app.add_subcommand("report", "reports");
  report->require_subcommand(1);
  auto* report_day = report->add_subcommand("day", "the day's sales, discounts and stamps");
  std::string date;
  report_day->add_option("--date", date, "YYYY-MM-DD (default today)");

  auto* serve = app.add_subcommand("serve", "the loopback JSON API for a front end (docs/api.md)");
  std::string serve_listen;
  serve->add_option("--listen", serve_listen, "HOST:PORT (default [api] listen, 127.0.0.1:8080)");

  auto* counter = app.add_subcommand("counter", "interactive mode for the counter");
  auto* audit = app.add_subcommand("audit", "check the ledger's integrity and event chain");
  std::vector<std::string> receipt_mark;
  audit
      ->add_option("--receipt", receipt_mark,
                   "also check a paper receipt: its journal number and sign (1234 7F3A-91C2)")
      ->expected(2);

  auto* reprint = app.add_subcommand("reprint", "print a sale's receipt again, marked REPRINT");
  std::int64_t reprint_id = 0;
  reprint->add_option("SALE_ID", reprint_id, "the sale's number")->required();
  auto* print = app.add_subcommand("print", "the queue of receipts not printed yet");
  print->require_subcommand(1);
  auto* print_queue = print->add_subcommand("queue", "list receipts pending or failed");
  auto* print_retry = print->add_subcommand("retry", "try the pending receipts again now");
  auto* printer_cmd = app.add_subcommand("printer", "the receipt printer");
  printer_cmd->require_subcommand(1);
  auto* printer_test = printer_cmd->add_subcommand("test", "print the alphabet test page");
  auto* printer_status = printer_cmd->add_subcommand("status", "ask the printer how it is");

  for (auto* sub :
       {init,       catalog,     catalog_import, catalog_list, card,         card_issue,
        card_sheet, card_show,   card_phone,     coupon,       coupon_sheet, sale,
        refund,     report,      report_day,     counter,      audit,        reprint,
        print,      print_queue, print_retry,    printer_cmd,  printer_test, printer_status}) {
    sub->fallthrough();
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --json may not have been read yet when the parse stopped: look for it.
    const bool json_asked = std::any_of(argv + 1, argv + argc,
                                        [](const char* a) { return std::string(a) == "--json"; });
    if (e.get_exit_code() == 0 || !json_asked) return app.exit(e) == 0 ? 0 : 2;
    options.json = true;
    fail(options, Error::invalid(std::string(e.what()) + " (see loyalpos --help)"));
    return 2;
  }
  if (options.home.empty()) options.home = default_home();

  if (init->parsed()) {
    auto config = load_session_config(options);
    if (!config.ok()) return fail(options, config.error());
    auto clock = make_clock();
    if (!clock.ok()) return fail(options, clock.error());
    auto ledger = init_ledger(options, store, terminal, currency, sample, **clock,
                              config->busy_timeout_ms, shop_config_text());
    if (!ledger.ok()) return fail(options, ledger.error());
    const auto& t = ledger->terminal();
    if (options.json) {
      print_json({{"ledger", ledger->path()},
                  {"terminal_id", t.terminal_id},
                  {"terminal", t.terminal_name},
                  {"store", t.store_name},
                  {"currency", t.currency.code}});
    } else {
      std::cout << "Created " << ledger->path() << " for " << t.store_name << " / "
                << t.terminal_name << " (" << t.currency.code << ")\n";
    }
    return 0;
  }

  // With no command: the counter, creating the sample café on first use.
  const bool first_use_counter = app.get_subcommands().empty();
  if (first_use_counter) {
    std::ifstream existing(ledger_path(options.home));
    if (!existing) {
      auto config = load_session_config(options);
      if (!config.ok()) return fail(options, config.error());
      auto clock = make_clock();
      if (!clock.ok()) return fail(options, clock.error());
      auto ledger = init_ledger(options, "Café", host_name(), "RUB", true, **clock,
                                config->busy_timeout_ms, default_config_text());
      if (!ledger.ok()) return fail(options, ledger.error());
      std::cerr << "Created a new ledger with the sample café at " << ledger->path() << "\n";
    }
  }

  auto session = open_session(options, make_clock);
  if (!session.ok()) return fail(options, session.error());
  Ledger& ledger = *session->ledger;
  const Config& config = session->config;
  SaleService sales(ledger, config.rules, *session->clock);
  const auto printer = make_printer(config.printer, options.home);
  PrintSpool spool(ledger, *session->clock, printer.get(), receipt_options(config));

  if (serve->parsed()) {
    if (auto s = run_serve(options.home, serve_listen, ledger, config, *session->clock, spool);
        !s.ok()) {
      return fail(options, s.error());
    }
    return 0;
  }

  if (first_use_counter || counter->parsed()) {
    auto reload = [&options, &ledger]() {
      return load_session_config(options, ledger.terminal().currency);
    };
    auto lines = open_scanner(config.scanner);
    if (!lines.ok()) return fail(options, lines.error());
    Counter c(sales, ledger, session->config, reload, std::cout, &spool);
    c.show_receipt_pictures(dynamic_cast<const hardware::VirtualPrinter*>(printer.get()));
    c.run(**lines);
    return 0;
  }

  if (reprint->parsed()) {
    auto printed = spool.reprint(reprint_id);
    if (!printed.ok()) return fail(options, printed.error());
    if (options.json) {
      print_json({{"sale_id", reprint_id}, {"job_id", printed->job_id}, {"state", "printed"}});
    } else {
      std::cout << "Reprinted the receipt of sale " << reprint_id << "\n";
    }
    return 0;
  }

  if (print_queue->parsed()) {
    auto jobs = spool.open_jobs();
    if (!jobs.ok()) return fail(options, jobs.error());
    if (options.json) {
      json list = json::array();
      for (const auto& job : *jobs) list.push_back(print_job_json(job));
      print_json({{"jobs", list}});
    } else if (jobs->empty()) {
      std::cout << "No receipts waiting.\n";
    } else {
      for (const auto& job : *jobs) std::cout << print_job_line(job) << "\n";
    }
    return 0;
  }

  if (print_retry->parsed()) {
    if (!spool.enabled()) return fail(options, no_printer());
    auto summary = spool.retry(true);
    if (!summary.ok()) return fail(options, summary.error());
    for (const auto& outcome : summary->tried) report_print(options, outcome);
    if (options.json) {
      print_json({{"printed", summary->printed},
                  {"failed", summary->failed},
                  {"pending", summary->pending}});
    } else {
      std::cout << "Printed " << summary->printed << ", failed " << summary->failed
                << ", still pending " << summary->pending << "\n";
    }
    return 0;
  }

  if (printer_test->parsed() || printer_status->parsed()) {
    if (!printer) return fail(options, no_printer());
    if (printer_test->parsed()) {
      if (auto s = printer->print(hardware::printer_test_page(printer->profile())); !s.ok()) {
        return fail(options, s.error());
      }
      if (options.json) {
        print_json({{"printed", true}, {"profile", printer->profile().name}});
      } else {
        std::cout << "Printed the test page for profile " << printer->profile().name << "\n";
      }
      return 0;
    }
    auto status = printer->status();
    if (!status.ok()) return fail(options, status.error());
    auto open = spool.open_jobs();
    const std::size_t waiting = open.ok() ? open->size() : 0;
    if (options.json) {
      print_json({{"known", status->known},
                  {"ready", status->ready()},
                  {"online", status->online},
                  {"cover_open", status->cover_open},
                  {"paper_out", status->paper_out},
                  {"paper_near_end", status->paper_near_end},
                  {"message", hardware::describe(*status)},
                  {"queued", waiting}});
    } else {
      std::cout << hardware::describe(*status) << "\n";
      if (waiting > 0) std::cout << waiting << " receipt(s) not printed: loyalpos print queue\n";
    }
    return 0;
  }

  if (catalog_import->parsed()) {
    auto text = read_text_file(csv_file, "the catalog", kMaxCatalogBytes);
    if (!text.ok()) return fail(options, text.error());
    auto products = parse_catalog_csv(*text, ledger.terminal().currency);
    if (!products.ok()) return fail(options, products.error().with_context(csv_file + ": "));
    if (auto s = ledger.import_products(*products); !s.ok()) return fail(options, s.error());
    if (options.json) {
      print_json({{"imported", products->size()}});
    } else {
      std::cout << "Imported " << products->size() << " products from " << csv_file << "\n";
    }
    return 0;
  }

  if (catalog_list->parsed()) {
    auto products = ledger.products();
    if (!products.ok()) return fail(options, products.error());
    if (options.json) {
      json list = json::array();
      for (const auto& p : *products) list.push_back(product_json(p));
      print_json({{"currency", ledger.terminal().currency.code}, {"products", list}});
    } else {
      for (const auto& p : *products) {
        std::cout << two_columns(
                         p.sku + "  " + p.name + "  (" + p.category + ")",
                         loyalty::format_minor_units(p.price, ledger.terminal().currency.exponent),
                         kReceiptColumns)
                  << "\n";
      }
    }
    return 0;
  }

  if (card_issue->parsed()) {
    std::optional<Card> referrer;
    if (!referrer_token.empty()) {
      auto found = find_card(sales, config, referrer_token);
      if (!found.ok()) return fail(options, found.error().with_context("--referrer: "));
      referrer = *found;
    }
    auto id = random_card_id();
    if (!id.ok()) return fail(options, id.error());
    auto issued = ledger.issue_card(*id, session->clock->now_unix(), referrer);
    if (!issued.ok()) return fail(options, issued.error());
    const std::string url = loyalty::card_url(config.card_base_url, issued->token);
    if (auto s = write_card_images(url, png_file, svg_file); !s.ok()) {
      return fail(options, s.error().with_context("card " + issued->token + " was issued, but "));
    }
    if (options.json) {
      print_json({{"token", issued->token}, {"card_id", issued->card_id}, {"url", url}});
    } else {
      std::cout << issued->token << "\n";
    }
    return 0;
  }

  if (card_sheet->parsed()) {
    if (sheet_count < 1 || sheet_count > 500) {
      return fail(options, Error::invalid("--count must be from 1 to 500"));
    }
    const std::string shop = sheet_shop.empty() ? ledger.terminal().store_name : sheet_shop;
    if (auto s = check_text_field("--shop", shop, kMaxShortName); !s.ok()) {
      return fail(options, s.error());
    }
    std::vector<loyalty::CardId> ids;
    for (int i = 0; i < sheet_count; ++i) {
      auto id = random_card_id();
      if (!id.ok()) return fail(options, id.error());
      ids.push_back(*id);
    }
    if (!options.json && sheet_count >= 50) {
      std::cerr << "laying out " << sheet_count << " cards on " << sheet_file << "\n";
    }
    // The cards are issued only if their sheet was written: one transaction.
    std::vector<hardware::SheetCard> cards;
    json tokens = json::array();
    auto issued = ledger.issue_cards(ids, session->clock->now_unix(), [&](const auto& made) {
      for (const auto& c : made) {
        cards.push_back(
            {loyalty::card_url(config.card_base_url, c.token), loyalty::group_token(c.token)});
        tokens.push_back(c.token);
      }
      return hardware::write_card_sheet(cards, shop, sheet_file);
    });
    if (!issued.ok()) return fail(options, issued.error().with_context("no cards issued: "));
    if (options.json) {
      print_json({{"pdf", sheet_file}, {"tokens", tokens}});
    } else {
      std::cout << "Wrote " << cards.size() << " cards to " << sheet_file << "\n";
    }
    return 0;
  }

  if (coupon_sheet->parsed()) {
    if (coupon_count < 1 || coupon_count > 500) {
      return fail(options, Error::invalid("--count must be from 1 to 500"));
    }
    const auto& promotions = config.rules.promotions;
    const auto promo =
        std::find_if(promotions.begin(), promotions.end(),
                     [&](const loyalty::Promotion& p) { return p.id == coupon_promotion; });
    if (promo == promotions.end()) {
      return fail(options, Error::not_found("no promotion \"" + coupon_promotion + "\""));
    }
    if (!promo->coupons) {
      return fail(options, Error::invalid("promotion \"" + coupon_promotion +
                                          "\" takes no coupons: set coupons = true in its "
                                          "[[promotions]] table first"));
    }
    // The coupons are issued only if their sheet was written: one transaction.
    auto issued = issue_coupons(ledger, promo->id, coupon_count, session->clock->now_unix(),
                                random_bits, [&](const std::vector<std::string>& codes) {
                                  std::vector<hardware::SheetCard> cards;
                                  for (const auto& code : codes)
                                    cards.push_back({code, loyalty::group_token(code)});
                                  return hardware::write_code_sheet(
                                      cards, promo->name, promo->name + " coupons", coupon_file);
                                });
    if (!issued.ok()) return fail(options, issued.error().with_context("no coupons issued: "));
    if (options.json) {
      print_json({{"pdf", coupon_file}, {"promotion", promo->id}, {"codes", *issued}});
    } else {
      std::cout << "Wrote " << issued->size() << " coupons of " << promo->id << " to "
                << coupon_file << "\n";
    }
    return 0;
  }

  if (card_phone->parsed()) {
    if (!phone_consent) {
      return fail(options, Error::invalid("ask the customer first: a phone number is kept only "
                                          "with their consent (add --consent once they agree)"));
    }
    auto found = find_card(sales, config, phone_token);
    if (!found.ok()) return fail(options, found.error());
    const std::int64_t now = session->clock->now_unix();
    if (auto s = attach_phone(ledger, *found, phone_number, now); !s.ok()) {
      return fail(options, s.error());
    }
    if (options.json) {
      print_json({{"token", found->token}, {"card_id", found->card_id}, {"consented_at", now}});
    } else {
      std::cout << "Card " << loyalty::group_token(found->token)
                << " can now be found by the customer's phone number\n";
    }
    return 0;
  }

  if (card_show->parsed()) {
    auto found = find_card(sales, config, token);
    if (!found.ok()) return fail(options, found.error());
    auto history = sales.history(*found);
    if (!history.ok()) return fail(options, history.error());
    if (options.json) {
      print_json(card_json(*history, config.rules));
    } else {
      print_card_text(*history, config);
    }
    return 0;
  }

  if (sale->parsed()) {
    for (const auto& text : items) {
      auto item = parse_item(text);
      if (!item.ok()) return fail(options, item.error());
      sale_request.items.push_back(*item);
    }
    if (!sale_card.empty() && !sale_phone.empty()) {
      return fail(options, Error::invalid("give --card or --phone, not both"));
    }
    if (!sale_card.empty() || !sale_phone.empty()) {
      auto found = sale_card.empty() ? find_card_by_phone(ledger, sale_phone)
                                     : find_card(sales, config, sale_card);
      if (!found.ok()) return fail(options, found.error());
      sale_request.card_token = found->token;
    }
    auto record = sales.sell(sale_request);
    if (!record.ok()) return fail(options, record.error());
    // The sale is recorded: from here on nothing fails the command.
    if (!options.json) {
      for (const auto& line :
           receipt_lines(*record, ledger.terminal(), kReceiptColumns, config.rules.language)) {
        std::cout << line << "\n";
      }
      std::cout.flush();
    }
    // The picture is of this sale's receipt: taken before the backlog prints.
    std::string picture;
    bool own = true;
    const PrintOutcome printed = print_after_sale(spool, *record, [&](const PrintOutcome& o) {
      if (own && o.state == "printed") picture = receipt_picture(printer.get());
      own = false;
      report_print(options, o);
    });
    if (!picture.empty() && !options.json) std::cout << "Receipt picture: " << picture << "\n";
    if (options.json) {
      json out = sale_json(*record, ledger.terminal(), config.rules);
      out["print"] = print_outcome_json(printed);
      if (!picture.empty()) out["print"]["picture"] = picture;
      print_json(out);
    }
    return 0;
  }

  if (refund->parsed()) {
    std::vector<ItemRequest> returning;
    for (const auto& text : refund_items) {
      auto item = parse_item(text);
      if (!item.ok()) return fail(options, item.error());
      returning.push_back(*item);
    }
    auto record = sales.refund(refund_id, returning);
    if (!record.ok()) return fail(options, record.error());
    if (options.json) {
      print_json(refund_json(*record, ledger.terminal(), config.rules));
    } else {
      const int exponent = ledger.terminal().currency.exponent;
      std::cout << (record->complete ? "Refunded sale " : "Refunded part of sale ")
                << record->sale_id << ": " << loyalty::format_minor_units(record->amount, exponent)
                << " " << ledger.terminal().currency.code << "\n";
      for (const auto& line : record->lines) {
        std::cout << two_columns("  " + std::to_string(line.qty) + " x " + line.name,
                                 loyalty::format_minor_units(line.amount, exponent),
                                 kReceiptColumns)
                  << "\n";
      }
      if (record->card) print_card_text(*record->card, config);
    }
    return 0;
  }

  if (audit->parsed()) {
    auto checked = audit_ledger(ledger);
    if (!checked.ok()) return fail(options, checked.error());
    std::optional<std::int64_t> receipt_seq;
    if (!receipt_mark.empty()) {
      std::int64_t seq = 0;
      const auto& n = receipt_mark[0];
      const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), seq);
      if (ec != std::errc() || end != n.data() + n.size() || seq < 1) {
        return fail(options,
                    Error::invalid("--receipt: \"" + n + "\" is not a journal number like 1234"));
      }
      if (auto s = check_receipt(ledger, seq, receipt_mark[1]); !s.ok()) {
        return fail(options, s.error());
      }
      receipt_seq = seq;
    }
    if (options.json) {
      print_json({{"ok", true},
                  {"sales", checked->sales},
                  {"cards", checked->cards},
                  {"events", checked->events},
                  {"receipt", receipt_seq ? json(*receipt_seq) : json(nullptr)}});
    } else {
      std::cout << "Ledger ok: " << checked->sales << " sales, " << checked->cards << " cards, "
                << checked->events << " journey events, chain verified\n";
      if (receipt_seq) std::cout << "The receipt № " << *receipt_seq << " matches the ledger\n";
    }
    return 0;
  }

  if (report_day->parsed()) {
    if (date.empty()) date = local_date(session->clock->now_unix());
    if (!is_valid_date(date)) {
      return fail(options, Error::invalid("date \"" + date + "\" is not a day like 2026-11-21"));
    }
    auto day = day_report(ledger, date);
    if (!day.ok()) return fail(options, day.error());
    if (options.json) {
      print_json(report_json(*day, ledger.terminal()));
    } else {
      const int e = ledger.terminal().currency.exponent;
      auto m = [&](std::int64_t v) { return loyalty::format_minor_units(v, e); };
      std::cout << "Day " << day->date << " (" << ledger.terminal().currency.code << ")\n"
                << two_columns("Sales", std::to_string(day->sales), 40) << "\n"
                << two_columns("Revenue", m(day->revenue), 40) << "\n"
                << two_columns("Discounts", m(day->discounts), 40) << "\n"
                << two_columns("Refunds", std::to_string(day->refunds) + " / " + m(day->refunded),
                               40)
                << "\n"
                << two_columns("Net", m(day->revenue - day->refunded), 40) << "\n"
                << two_columns("Stamps given", std::to_string(day->stamps_given), 40) << "\n"
                << two_columns("Rewards redeemed", std::to_string(day->rewards_redeemed), 40)
                << "\n";
      for (const auto& [method, totals] : day->by_payment) {
        std::cout << two_columns("  " + method,
                                 std::to_string(totals.sales) + " / " + m(totals.revenue), 40)
                  << "\n";
      }
    }
    return 0;
  }
  return 2;
}

}  // namespace loyalpos::pos

#if defined(__SANITIZE_ADDRESS__)
// Sanitizer builds (scripts/test): fontconfig, under Pango, keeps its parsed
// configuration for the life of the process by design; that is not our leak.
// Here rather than in a main.cc so that every binary running the CLI has it.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif
