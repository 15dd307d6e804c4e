// Orders as JSON: every field of the stream entry, integers where the contract says so.

#include "livegate/commerce/order_record.h"

#include <gtest/gtest.h>

using namespace livegate::commerce;

TEST(OrderRecord, JsonCarriesEveryFieldWithIntegersTyped) {
  OrderRecord o{"1717171717123-0",
                {{"key", "k-1"},
                 {"sku", "gala"},
                 {"qty", "2"},
                 {"price_cents", "4999"},
                 {"amount_cents", "9998"},
                 {"user", "12345"},
                 {"ts", "1717171717120"},
                 {"deal", "flash-1"},
                 {"discount_cents", "500"}}};
  auto j = order_json(o);
  EXPECT_EQ(j["id"], "1717171717123-0");
  EXPECT_EQ(j["qty"], 2);
  EXPECT_EQ(j["price_cents"], 4999);
  EXPECT_EQ(j["amount_cents"], 9998);
  EXPECT_EQ(j["ts"], 1717171717120);
  EXPECT_EQ(j["discount_cents"], 500);  // a later *_cents field is typed too
  EXPECT_EQ(j["user"], "12345");        // ids stay strings even when they look like numbers
  EXPECT_EQ(j["key"], "k-1");
  EXPECT_EQ(j["deal"], "flash-1");
  EXPECT_EQ(j.size(), 10u);
}

TEST(OrderRecord, OddValuesStayStringsAndTheStreamIdWins) {
  OrderRecord o{"1-0",
                {{"qty", "2x"},
                 {"ts", ""},
                 {"price_cents", "99999999999999999999"},
                 {"id", "spoof"},
                 {"sku", "a"},
                 {"sku", "second"}}};
  auto j = order_json(o);
  EXPECT_EQ(j["qty"], "2x");
  EXPECT_EQ(j["ts"], "");
  EXPECT_EQ(j["price_cents"], "99999999999999999999");  // past int64: kept exact as text
  EXPECT_EQ(j["id"], "1-0");
  EXPECT_EQ(j["sku"], "a");
  EXPECT_EQ(*o.field("sku"), "a");
  EXPECT_EQ(o.field("nope"), nullptr);
}
