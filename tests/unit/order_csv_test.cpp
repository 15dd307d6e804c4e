// CSV export cells and rows: RFC 4180 quoting, the formula-injection guard, ISO-8601 UTC times,
// and a strict libcsv reader getting back exactly the values that went in.

#include "livegate/commerce/order_csv.h"

#include <gtest/gtest.h>

#include "csv_table.h"

using namespace livegate::commerce;
using livegate::testing::parse_csv;

TEST(OrderCsv, PlainValuesAreLeftAlone) {
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("honeycrisp-10lb"), "honeycrisp-10lb");
  EXPECT_EQ(csv_field("3499"), "3499");
  EXPECT_EQ(csv_field("Zoë 苹果"), "Zoë 苹果");
}

TEST(OrderCsv, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(csv_field("Smith, Jo"), "\"Smith, Jo\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csv_field("\""), "\"\"\"\"");
  EXPECT_EQ(csv_field(" padded "), "\" padded \"");
}

TEST(OrderCsv, FormulaStartsGetAnApostrophe) {
  EXPECT_EQ(csv_field("=1+2"), "'=1+2");
  EXPECT_EQ(csv_field("+1"), "'+1");
  EXPECT_EQ(csv_field("-2+3"), "'-2+3");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_field("\tx"), "'\tx");
  // Guard first, then quoting of what the guarded value holds.
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_field("\rcmd"), "\"'\rcmd\"");
  // Plain integers are numbers to a spreadsheet, not formulas.
  EXPECT_EQ(csv_field("-5"), "-5");
  EXPECT_EQ(csv_field("-"), "'-");
  EXPECT_EQ(csv_field("a=b"), "a=b");
}

TEST(OrderCsv, TimesAreIsoUtcWithMilliseconds) {
  EXPECT_EQ(iso8601_utc_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_utc_ms(1717171717123), "2024-05-31T16:08:37.123Z");
  EXPECT_EQ(iso8601_utc_ms(-1), "");
  EXPECT_EQ(iso8601_utc_ms(253402300800000), "");  // year 10000
}

TEST(OrderCsv, RowHasTheFixedColumnsInOrder) {
  EXPECT_EQ(orders_csv_header(), "id,time,user,sku,qty,price_cents,amount_cents,deal,key\r\n");
  OrderRecord o{"1717171717123-0",
                {{"key", "k1"},
                 {"sku", "gala"},
                 {"qty", "2"},
                 {"price_cents", "4999"},
                 {"amount_cents", "9998"},
                 {"user", "g-1"},
                 {"ts", "1717171717120"},
                 {"deal", "flash-1"}}};
  EXPECT_EQ(orders_csv_row(o),
            "1717171717123-0,2024-05-31T16:08:37.120Z,g-1,gala,2,4999,9998,flash-1,k1\r\n");
  // No ts: the stream id's milliseconds; no deal: an empty cell; unknown fields: not exported.
  OrderRecord bare{"1717171717123-4", {{"sku", "gala"}, {"extra", "x"}}};
  EXPECT_EQ(orders_csv_row(bare), "1717171717123-4,2024-05-31T16:08:37.123Z,,gala,,,,,\r\n");
}

TEST(OrderCsv, StrictReaderGetsBackWhatWentIn) {
  const std::vector<std::string> nasty = {"Smith, \"Jo\"\r\nline 2",
                                          "=cmd|' /C calc'!A0",
                                          " lead",
                                          "trail\t",
                                          "",
                                          "\"",
                                          "a,b,c",
                                          "苹果, \"红\""};
  std::string csv = orders_csv_header();
  for (size_t i = 0; i < nasty.size(); ++i) {
    csv +=
        orders_csv_row({std::to_string(1000 + i) + "-0", {{"user", nasty[i]}, {"key", nasty[i]}}});
  }
  std::string error;
  auto table = parse_csv(csv, &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(table.size(), nasty.size() + 1);
  EXPECT_EQ(table[0].size(), 9u);
  for (size_t i = 0; i < nasty.size(); ++i) {
    const auto& row = table[i + 1];
    ASSERT_EQ(row.size(), 9u) << i;
    const std::string expected = nasty[i].starts_with('=') ? "'" + nasty[i] : nasty[i];
    EXPECT_EQ(row[2], expected) << i;  // user
    EXPECT_EQ(row[8], expected) << i;  // key
  }
}
