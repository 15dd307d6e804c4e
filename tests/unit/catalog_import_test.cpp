// Product files sellers prepare: every row checked, errors that name the row and the field,
// all or nothing.

#include <gtest/gtest.h>

#include "livegate/commerce/catalog_import.h"
#include "livegate/commerce/flash_deals.h"

using namespace livegate::commerce;

TEST(CatalogImport, CsvWithQuotesChineseAndDefaults) {
  const std::string csv =
      "\xEF\xBB\xBFsku,title,title_zh,description,price_cents,stock,per_buyer\r\n"
      "honeycrisp-10lb,\"Honeycrisp, 10 lb\",蜜脆苹果,\"Crisp \"\"and\"\" sweet\nline two\",3499,500,6\r\n"
      "\r\n"
      "gala,Gala,,,1599,,\r\n";
  auto r = import_products_csv(csv, 10);
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.products.size(), 2u);
  EXPECT_EQ(r.products[0].title, "Honeycrisp, 10 lb");
  EXPECT_EQ(r.products[0].title_zh, "蜜脆苹果");
  EXPECT_EQ(r.products[0].description, "Crisp \"and\" sweet\nline two");
  EXPECT_EQ(r.products[0].initial_stock, 500);
  EXPECT_EQ(r.products[0].per_buyer, 6);
  EXPECT_EQ(r.products[1].initial_stock, 0);
  EXPECT_EQ(r.products[1].max_per_order, 10);  // the config's default
}

TEST(CatalogImport, BadCsvNamesTheProblem) {
  EXPECT_EQ(import_products_csv("", 10).error, "the CSV is empty: it needs a header row");
  EXPECT_EQ(import_products_csv("sku,title,prize_cents\n", 10).error, "unknown column 'prize_cents'");
  EXPECT_EQ(import_products_csv("sku,title\n", 10).error, "the header needs at least sku, title and price_cents");
  EXPECT_EQ(import_products_csv("sku,title,price_cents\ngala,Gala,12.50\n", 10).error,
            "row 2: price_cents must be a whole number");
  EXPECT_EQ(import_products_csv("sku,title,price_cents\ngala,Gala,-1\n", 10).error,
            "row 2: price_cents must be between 1 and 100000000");
  EXPECT_EQ(import_products_csv("sku,title,price_cents\ngala,Gala\n", 10).error,
            "row 2: 2 fields, the header has 3");
  EXPECT_EQ(import_products_csv("sku,title,price_cents\nGala!,Gala,100\n", 10).error,
            "row 2: sku must be 1-64 characters of a-z, 0-9, '-' or '_'");
  EXPECT_EQ(import_products_csv("sku,title,price_cents\ngala,Gala,100\ngala,Gala 2,200\n", 10).error,
            "sku 'gala' appears twice");
  EXPECT_NE(import_products_csv("sku,title,price_cents\ngala,\"Gala,100\n", 10).error.find("malformed CSV"),
            std::string::npos);
  EXPECT_EQ(import_products_csv("sku,title,price_cents,image\ngala,Gala,100,javascript:alert(1)\n", 10).error,
            "row 2: image must be an http(s) URL or a path starting with /");
}

TEST(CatalogImport, Json) {
  auto r = import_products_json(R"({"products":[{"sku":"gala","title":"Gala","price_cents":1599,"stock":3}]})", 10);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.products.at(0).initial_stock, 3);
  EXPECT_EQ(import_products_json("[1]", 10).error, "product 1: a product must be a JSON object");
  EXPECT_EQ(import_products_json(R"([{"sku":"gala","title":"Gala","price_cents":"1599"}])", 10).error,
            "product 1: price_cents must be a whole number (got a string)");
  EXPECT_EQ(import_products_json(R"([{"sku":"gala","title":"Gala","price_cents":1e300}])", 10).error,
            "product 1: price_cents must be a whole number (got a number)");
  EXPECT_EQ(import_products_json(R"([{"sku":"gala","title":["Gala"],"price_cents":100}])", 10).error,
            "product 1: title must be a string (got a list)");
  EXPECT_EQ(import_products_json("{", 10).error, "not valid JSON");
  EXPECT_EQ(import_products_file("/nonexistent/products.csv", 10).error, "cannot read /nonexistent/products.csv");
}

TEST(CatalogImport, CnyRoundsToFen) {
  EXPECT_EQ(usd_cents_to_cny_fen(3499, 7.1), 24843);
  EXPECT_EQ(usd_cents_to_cny_fen(1, 7.25), 7);
}

TEST(FlashDealRequest, Limits) {
  DealLimits limits;
  EXPECT_FALSE(validate_deal({"gala", 999, 5, 1, 0, 60'000}, limits));
  EXPECT_TRUE(validate_deal({"gala", 999, 5, 1, 0, 9'000}, limits));    // under 10 s
  EXPECT_TRUE(validate_deal({"gala", 999, 5, 1, 0, 301'000}, limits));  // over 300 s
  EXPECT_TRUE(validate_deal({"gala", 999, 0, 1, 0, 60'000}, limits));
  EXPECT_TRUE(validate_deal({"gala", 0, 5, 1, 0, 60'000}, limits));
  EXPECT_TRUE(validate_deal({"gala", 999, 5, 1, -1, 60'000}, limits));
  EXPECT_TRUE(validate_deal({"", 999, 5, 1, 0, 60'000}, limits));
}

// Found writing the catalog_csv fuzz target's contract (every accepted product renders as JSON): a
// title in Windows-1252 was accepted, and every answer and welcome frame listing it then threw.
TEST(CatalogImport, TextThatIsNotUtf8IsRefused) {
  EXPECT_EQ(import_products_csv("sku,title,price_cents\ncafe,Caf\xE9,100\n", 10).error,
            "row 2: title, title_zh, description and image must be UTF-8 text");
  EXPECT_EQ(import_products_csv(std::string("sku,title,description,price_cents\ncafe,Cafe,a\0b,100\n", 52), 10).error,
            "row 2: title, title_zh, description and image must be UTF-8 text");
  EXPECT_EQ(import_products_csv("sku,title,price_cents\ncafe,Café 咖啡,100\n", 10).error, "");
}
