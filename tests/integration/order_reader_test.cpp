// Order paging and the CSV export against a real redis-server, with page sizes small enough that
// an export takes many round trips.

#include "livegate/commerce/order_reader.h"

#include "csv_table.h"
#include "livegate/common/redis_keys.h"
#include "redis_fixture.h"

using namespace livegate;
using namespace livegate::commerce;
using livegate::testing::RedisFixture;

namespace {

class OrderReader : public RedisFixture {
 protected:
  std::vector<std::string> add_orders(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      ids.push_back(
          sync({"XADD", keys::orders("sale"), "*", "key", "k" + std::to_string(i), "sku", "gala",
                "qty", "1", "user", "u" + std::to_string(i), "ts", "1717171717000"}));
    }
    return ids;
  }

  OrdersCsv export_csv(const std::string& after, size_t max, size_t page) {
    std::optional<OrdersCsv> out;
    bool done = false;
    export_orders_csv(*redis, "sale", after, max, page,
                      [&](std::optional<OrdersCsv> csv, const std::string& error) {
                        EXPECT_EQ(error, "");
                        out = std::move(csv);
                        done = true;
                      });
    EXPECT_TRUE(loop.run_until([&] { return done; }, std::chrono::seconds(5)));
    return out.value_or(OrdersCsv{});
  }

  OrderPage page(const std::string& after, size_t limit) {
    std::optional<OrderPage> out;
    bool done = false;
    read_orders(*redis, "sale", after, limit,
                [&](std::optional<OrderPage> p, const std::string& error) {
                  EXPECT_EQ(error, "");
                  out = std::move(p);
                  done = true;
                });
    EXPECT_TRUE(loop.run_until([&] { return done; }, std::chrono::seconds(5)));
    return out.value_or(OrderPage{});
  }
};

std::vector<std::string> first_column(const std::string& csv) {
  std::vector<std::string> ids;
  auto table = livegate::testing::parse_csv(csv);
  for (size_t i = 1; i < table.size(); ++i) ids.push_back(table[i][0]);
  return ids;
}

}  // namespace

TEST_F(OrderReader, ExportWalksManyPagesAndStopsExactlyAtTheCap) {
  const auto ids = add_orders(50);
  auto capped = export_csv("", 20, 7);
  EXPECT_TRUE(capped.truncated);
  EXPECT_EQ(capped.rows, 20u);
  EXPECT_EQ(capped.last_id, ids[19]);
  EXPECT_EQ(first_column(capped.text), std::vector<std::string>(ids.begin(), ids.begin() + 20));

  auto exact = export_csv("", 50, 7);  // exactly as many as there are: not truncated
  EXPECT_FALSE(exact.truncated);
  EXPECT_EQ(first_column(exact.text), ids);

  auto rest = export_csv(ids[19], 1000, 7);
  EXPECT_FALSE(rest.truncated);
  EXPECT_EQ(first_column(rest.text), std::vector<std::string>(ids.begin() + 20, ids.end()));

  sync({"DEL", keys::orders("sale")});
  auto empty = export_csv("", 10, 7);
  EXPECT_EQ(empty.rows, 0u);
  EXPECT_EQ(empty.text, "id,time,user,sku,qty,price_cents,amount_cents,deal,key\r\n");
}

TEST_F(OrderReader, PagesAreExclusiveOfTheCursor) {
  const auto ids = add_orders(5);
  auto p1 = page("", 2);
  ASSERT_EQ(p1.orders.size(), 2u);
  EXPECT_EQ(p1.orders[0].id, ids[0]);
  EXPECT_EQ(p1.next, ids[1]);
  auto p2 = page(*p1.next, 10);
  ASSERT_EQ(p2.orders.size(), 3u);
  EXPECT_EQ(p2.orders[0].id, ids[2]);
  EXPECT_FALSE(p2.next);
  EXPECT_EQ(*p2.orders[0].field("user"), "u2");
  EXPECT_TRUE(page("", 5).next);  // a full page says next even when nothing follows
  EXPECT_TRUE(page(ids[4], 5).orders.empty());
}
