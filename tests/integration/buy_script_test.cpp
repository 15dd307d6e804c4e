// The buy script against a real redis-server: no oversell under concurrency, exactly-once keys.

#include <map>
#include <set>

#include "livegate/commerce/catalog_store.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/common/redis_keys.h"
#include "redis_fixture.h"

using namespace livegate;
using namespace livegate::commerce;
using livegate::testing::RedisFixture;

namespace {

constexpr int64_t kPrice = 3499;

std::vector<Product> apples(int64_t stock, int max_per_order = 10) {
  Product p;
  p.sku = "honeycrisp-10lb";
  p.title = "Honeycrisp, 10 lb box";
  p.price_cents = kPrice;
  p.initial_stock = stock;
  p.max_per_order = max_per_order;
  return {p};
}

class BuyScript : public RedisFixture {
 protected:
  // Seeds the catalog (only the first time: a reopened shop keeps its tally) and opens the desk.
  void open(OrderDesk& desk, int64_t stock, int max_per_order = 10) {
    bool opened = false;
    CatalogStore catalog(*redis);
    catalog.seed("sale", apples(stock, max_per_order), [&](const std::string& error) {
      EXPECT_EQ(error, "");
      opened = true;
    });
    ASSERT_TRUE(loop.run_until([&] { return opened; }, std::chrono::seconds(5)));
    desk.open_shop("sale");
  }

  BuyResult buy_sync(OrderDesk& desk, BuyRequest request) {
    BuyResult result;
    bool done = false;
    desk.buy("sale", std::move(request), [&](const BuyResult& r) {
      result = r;
      done = true;
    });
    EXPECT_TRUE(loop.run_until([&] { return done; }, std::chrono::seconds(5)));
    return result;
  }
};

}  // namespace

TEST_F(BuyScript, ThousandConcurrentBuysOnStockOfHundredSellExactlyHundred) {
  // Four nodes' worth of connections, each batching its own clicks, all racing in Redis.
  std::vector<std::unique_ptr<RedisClient>> clients;
  std::vector<std::unique_ptr<OrderDesk>> desks;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(connect_client("node" + std::to_string(i)));
    desks.push_back(std::make_unique<OrderDesk>(loop, *clients.back(), OrderDeskLimits{.max_batch = 16}));
  }
  open(*desks[0], 100);
  for (int i = 1; i < 4; ++i) open(*desks[i], 100);  // reopening keeps the stock

  std::map<BuyStatus, int> counts;
  std::set<std::string> order_ids;
  int answered = 0;
  for (int i = 0; i < 1000; ++i) {
    BuyRequest r{"key-" + std::to_string(i), "honeycrisp-10lb", 1, "u" + std::to_string(i), ""};
    desks[i % 4]->buy("sale", r, [&](const BuyResult& result) {
      counts[result.status]++;
      if (result.status == BuyStatus::ok) order_ids.insert(result.order_id);
      EXPECT_GE(result.remaining, 0);
      answered++;
    });
  }
  ASSERT_TRUE(loop.run_until([&] { return answered == 1000; }, std::chrono::seconds(20)));
  EXPECT_EQ(counts[BuyStatus::ok], 100);
  EXPECT_EQ(counts[BuyStatus::sold_out], 900);
  EXPECT_EQ(order_ids.size(), 100u);
  EXPECT_EQ(sync({"HGET", keys::stock("sale"), "honeycrisp-10lb"}), "0");
  EXPECT_EQ(sync({"HGET", keys::sold("sale"), "honeycrisp-10lb"}), "100");
  EXPECT_EQ(sync({"XLEN", keys::orders("sale")}), "100");
  EXPECT_EQ(sync({"GET", keys::gmv("sale")}), std::to_string(100 * kPrice));
  // More than one script call per desk: the clicks really were batched, not one call each.
  size_t batches = 0;
  for (auto& d : desks) batches += d->batches_sent();
  EXPECT_LT(batches, 1000u);
  std::printf("[ figures ] 1000 buys / stock 100: ok=%d sold_out=%d, %zu script calls\n",
              counts[BuyStatus::ok], counts[BuyStatus::sold_out], batches);
}

TEST_F(BuyScript, MixedQuantitiesNeverOversell) {
  OrderDesk desk(loop, *redis);
  open(desk, 50);
  int answered = 0;
  for (int i = 0; i < 200; ++i) {
    desk.buy("sale", {"mixed-" + std::to_string(i), "honeycrisp-10lb", 1 + i % 3, "u", ""},
             [&](const BuyResult&) { answered++; });
  }
  ASSERT_TRUE(loop.run_until([&] { return answered == 200; }, std::chrono::seconds(10)));
  const auto stock = std::stoll(sync({"HGET", keys::stock("sale"), "honeycrisp-10lb"}));
  const auto sold = std::stoll(sync({"HGET", keys::sold("sale"), "honeycrisp-10lb"}));
  EXPECT_GE(stock, 0);
  EXPECT_EQ(stock + sold, 50);
  EXPECT_LE(stock, 2);  // leftovers smaller than every remaining request of qty 3
}

TEST_F(BuyScript, RetriedKeyReturnsTheSameOrder) {
  OrderDesk desk(loop, *redis);
  open(desk, 10);
  BuyResult first = buy_sync(desk, {"retry-key-1", "honeycrisp-10lb", 2, "u1", ""});
  ASSERT_EQ(first.status, BuyStatus::ok);
  EXPECT_EQ(first.remaining, 8);
  BuyResult again = buy_sync(desk, {"retry-key-1", "honeycrisp-10lb", 2, "u1", ""});
  EXPECT_EQ(again.status, BuyStatus::duplicate);
  EXPECT_EQ(again.order_id, first.order_id);
  EXPECT_EQ(again.remaining, 8);  // nothing was taken twice
  EXPECT_EQ(sync({"XLEN", keys::orders("sale")}), "1");

  // The same key twice inside one batch: one order.
  int answered = 0;
  std::vector<BuyResult> results;
  for (int i = 0; i < 2; ++i) {
    desk.buy("sale", {"same-batch-key", "honeycrisp-10lb", 1, "u2", ""}, [&](const BuyResult& r) {
      results.push_back(r);
      answered++;
    });
  }
  ASSERT_TRUE(loop.run_until([&] { return answered == 2; }, std::chrono::seconds(5)));
  EXPECT_EQ(results[0].status, BuyStatus::ok);
  EXPECT_EQ(results[1].status, BuyStatus::duplicate);
  EXPECT_EQ(results[0].order_id, results[1].order_id);
  EXPECT_EQ(sync({"HGET", keys::stock("sale"), "honeycrisp-10lb"}), "7");
}

TEST_F(BuyScript, BadInputChangesNothing) {
  OrderDesk desk(loop, *redis, {});
  open(desk, 5, 3);
  EXPECT_EQ(buy_sync(desk, {"bad-sku-key", "pear", 1, "u", ""}).error_code, "unknown_sku");
  EXPECT_EQ(buy_sync(desk, {"bad-qty-key", "honeycrisp-10lb", 4, "u", ""}).error_code, "bad_qty");
  EXPECT_EQ(buy_sync(desk, {"zero-qty-key", "honeycrisp-10lb", 0, "u", ""}).error_code, "bad_qty");
  EXPECT_EQ(buy_sync(desk, {"big-order", "honeycrisp-10lb", 3, "u", ""}).status, BuyStatus::ok);
  BuyResult over = buy_sync(desk, {"too-many-key", "honeycrisp-10lb", 3, "u", ""});
  EXPECT_EQ(over.status, BuyStatus::sold_out);
  EXPECT_EQ(over.remaining, 2);
  EXPECT_EQ(sync({"HGET", keys::stock("sale"), "honeycrisp-10lb"}), "2");
  EXPECT_EQ(sync({"XLEN", keys::orders("sale")}), "1");
}

TEST_F(BuyScript, ReopeningTheShopKeepsTheTally) {
  OrderDesk desk(loop, *redis);
  open(desk, 10);
  ASSERT_EQ(buy_sync(desk, {"before-restart", "honeycrisp-10lb", 4, "u", ""}).status, BuyStatus::ok);
  OrderDesk restarted(loop, *redis);
  open(restarted, 10);
  EXPECT_EQ(sync({"HGET", keys::stock("sale"), "honeycrisp-10lb"}), "6");
  EXPECT_EQ(buy_sync(restarted, {"before-restart", "honeycrisp-10lb", 4, "u", ""}).status,
            BuyStatus::duplicate);
}

TEST_F(BuyScript, RedisDownGivesUnavailableNotAGuess) {
  OrderDesk desk(loop, *redis);
  open(desk, 10);
  redis_server.stop();
  loop.run_until([&] { return !redis->connected(); }, std::chrono::seconds(5));
  BuyResult r = buy_sync(desk, {"during-outage", "honeycrisp-10lb", 1, "u", ""});
  EXPECT_EQ(r.status, BuyStatus::unavailable);
  EXPECT_EQ(r.error_code, "unavailable");
}
