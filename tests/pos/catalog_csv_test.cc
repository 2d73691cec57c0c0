#include "pos/ledger/catalog_csv.h"

#include <gtest/gtest.h>

#include "pos/config/config.h"

namespace loyalpos::pos {
namespace {

const loyalty::Currency kRub{"RUB", 2};

std::string error_of(const std::string& csv) {
  auto r = parse_catalog_csv(csv, kRub);
  EXPECT_FALSE(r.ok()) << csv;
  return r.ok() ? "" : r.error().message();
}

TEST(CatalogCsv, ReadsTheSampleCatalog) {
  auto products = parse_catalog_csv(default_catalog_csv(), kRub);
  ASSERT_TRUE(products.ok()) << products.error().message();
}

TEST(CatalogCsv, ParsesPricesExactlyWithOrWithoutBarcodes) {
  auto p = parse_catalog_csv("sku,name,category,price\nLATTE,Latte,drink,2.50\nTEA,Tea,drink,80\n",
                             kRub);
  ASSERT_TRUE(p.ok()) << p.error().message();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].price, 250);
  EXPECT_EQ((*p)[1].price, 8000);
  EXPECT_TRUE((*p)[0].barcode.empty());
  auto b =
      parse_catalog_csv("sku,name,category,price,barcode\nTEA,Tea,drink,80,4600000000053\n", kRub);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)[0].barcode, "4600000000053");
}

TEST(CatalogCsv, AcceptsQuotesCrlfBomAndCyrillic) {
  auto p = parse_catalog_csv(
      "\xEF\xBB\xBFsku,name,category,price\r\n"
      "LATTE,\"Latte, large \"\"XL\"\"\",drink,3\r\n"
      "PAKHLAVA,Пахлава,pastry,180\r\n\r\n",
      kRub);
  ASSERT_TRUE(p.ok()) << p.error().message();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].name, "Latte, large \"XL\"");
  EXPECT_EQ((*p)[1].name, "Пахлава");
}

TEST(CatalogCsv, ErrorsNameTheLineAndTheProblem) {
  EXPECT_EQ(error_of("sku,name,price\nA,B,1\n"),
            "line 1: the header must be sku,name,category,price[,barcode]");
  EXPECT_EQ(error_of("sku,name,category,price\nA,B,c,1\nB,C,d\n"),
            "line 3: expected 4 fields, found 3");
  EXPECT_NE(error_of("sku,name,category,price\nA,B,c,1\nB,C,d,two\n").find("line 3: price \"two\""),
            std::string::npos);
  EXPECT_NE(error_of("sku,name,category,price\nA,B,c,-1\n").find("line 2"), std::string::npos);
  EXPECT_NE(error_of("sku,name,category,price\nA,B,c,1.999\n").find("decimal"), std::string::npos);
  EXPECT_EQ(error_of("sku,name,category,price\nA,B,c,1\na,B,c,1\n"), "line 3: SKU a appears twice");
  EXPECT_NE(error_of("sku,name,category,price\nA B,B,c,1\n").find("line 2: SKU"),
            std::string::npos);
  EXPECT_EQ(error_of("sku,name,category,price\nA,,c,1\n"), "line 2: product A has no name");
  EXPECT_NE(error_of("sku,name,category,price,barcode\nA,B,c,1,12AB\n").find("barcode"),
            std::string::npos);
  EXPECT_NE(error_of("sku,name,category,price,barcode\nA,B,c,1,12345670\nC,D,e,1,12345670\n")
                .find("line 3: barcode 12345670 appears twice"),
            std::string::npos);
  EXPECT_NE(error_of("sku,name,category,price\nA,\"B,c,1\n").find("never closed"),
            std::string::npos);
  EXPECT_NE(error_of("sku,name,category,price\nA,B\xff,c,1\n").find("UTF-8"), std::string::npos);
  EXPECT_NE(error_of("sku,name,category,price\n").find("no products"), std::string::npos);
  EXPECT_NE(error_of("sku,name,category,price\nA,B,c,99999999999999999999\n").find("too large"),
            std::string::npos);
}

}  // namespace
}  // namespace loyalpos::pos
