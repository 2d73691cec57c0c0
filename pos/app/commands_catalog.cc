// `loyalpos catalog import|list`: the products the counter sells.
#include <iostream>
#include <nlohmann/json.hpp>

#include "loyalty/money.h"
#include "pos/app/cli_session.h"
#include "pos/config/text_file.h"
#include "pos/ledger/catalog_csv.h"
#include "pos/ledger/json_output.h"
#include "pos/ledger/receipt_text.h"

namespace loyalpos::pos {

namespace {

using nlohmann::json;

struct ImportArgs {
  std::string csv_file;
};

int catalog_import(Context& c, ImportArgs& a) {
  auto text = read_text_file(a.csv_file, "the catalog", kMaxCatalogBytes);
  if (!text.ok()) return fail(c.options, text.error());
  auto products = parse_catalog_csv(*text, c.ledger.terminal().currency);
  if (!products.ok()) return fail(c.options, products.error().with_context(a.csv_file + ": "));
  if (auto s = c.ledger.import_products(*products); !s.ok()) return fail(c.options, s.error());
  if (c.options.json) {
    print_json({{"imported", products->size()}});
  } else {
    std::cout << "Imported " << products->size() << " products from " << a.csv_file << "\n";
  }
  return 0;
}

int catalog_list(Context& c) {
  auto products = c.ledger.products();
  if (!products.ok()) return fail(c.options, products.error());
  if (c.options.json) {
    json list = json::array();
    for (const auto& p : *products) list.push_back(product_json(p));
    print_json({{"currency", c.ledger.terminal().currency.code}, {"products", list}});
  } else {
    for (const auto& p : *products) {
      std::cout << two_columns(
                       p.sku + "  " + p.name + "  (" + p.category + ")",
                       loyalty::format_minor_units(p.price, c.ledger.terminal().currency.exponent),
                       kReceiptColumns)
                << "\n";
    }
  }
  return 0;
}

}  // namespace

void add_catalog_commands(CLI::App& app, std::vector<Command>& commands) {
  auto* catalog = app.add_subcommand("catalog", "the product catalog");
  catalog->require_subcommand(1);
  auto* import = catalog->add_subcommand("import", "add or update products from a CSV");
  auto args = std::make_shared<ImportArgs>();
  import->add_option("FILE", args->csv_file, "CSV: sku,name,category,price[,barcode]")->required();
  commands.push_back({import, [args](Context& c) { return catalog_import(c, *args); }});
  commands.push_back({catalog->add_subcommand("list", "list the products"), catalog_list});
}

}  // namespace loyalpos::pos
