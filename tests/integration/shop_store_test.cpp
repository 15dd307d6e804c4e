// Catalog, flash deals, pins and dashboard counters against a real redis-server: the rules the
// Lua scripts enforce (prices and limits read in Redis, deal windows on the Redis clock, all or
// nothing writes) and the invariant stock + sold = initial through every change.

#include <map>

#include "livegate/commerce/catalog_store.h"
#include "livegate/commerce/flash_deals.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/commerce/product_pins.h"
#include "livegate/commerce/shop_stats.h"
#include "livegate/common/redis_keys.h"
#include "redis_fixture.h"

using namespace livegate;
using namespace livegate::commerce;
using livegate::testing::RedisFixture;
using nlohmann::json;

namespace {

Product product(const std::string& sku, int64_t price, int64_t stock, int per_buyer = 0) {
  Product p;
  p.sku = sku;
  p.title = sku + " box";
  p.price_cents = price;
  p.initial_stock = stock;
  p.max_per_order = 5;
  p.per_buyer = per_buyer;
  return p;
}

class ShopStore : public RedisFixture {
 protected:
  void SetUp() override {
    RedisFixture::SetUp();
    desk = std::make_unique<OrderDesk>(loop, *redis);
    catalog = std::make_unique<CatalogStore>(*redis);
    deals = std::make_unique<FlashDeals>(*redis, DealLimits{.min_duration_ms = 1000});
    pins = std::make_unique<ProductPins>(*redis);
    stats = std::make_unique<ShopStats>(*redis);
    bool done = false;
    catalog->seed("sale", {product("honeycrisp", 3499, 100, 6), product("gala", 1599, 20)},
                  [&](const std::string& e) {
                    EXPECT_EQ(e, "");
                    done = true;
                  });
    ASSERT_TRUE(loop.run_until([&] { return done; }, std::chrono::seconds(5)));
    desk->open_shop("sale");
  }

  template <typename Call>
  ShopResult wait_shop(Call call) {
    ShopResult out = ShopResult::failure(Problem::unavailable, "no answer");
    bool done = false;
    call([&](ShopResult r) {
      out = std::move(r);
      done = true;
    });
    EXPECT_TRUE(loop.run_until([&] { return done; }, std::chrono::seconds(5)));
    return out;
  }

  BuyResult buy(const std::string& key, const std::string& sku, int64_t qty, const std::string& user,
                const std::string& deal = {}) {
    BuyResult result;
    bool done = false;
    desk->buy("sale", {key, sku, qty, user, deal}, [&](const BuyResult& r) {
      result = r;
      done = true;
    });
    EXPECT_TRUE(loop.run_until([&] { return done; }, std::chrono::seconds(5)));
    return result;
  }

  int64_t number(const std::vector<std::string>& argv) { return std::stoll(sync(argv)); }

  void expect_invariant(const std::string& sku) {
    EXPECT_EQ(number({"HGET", keys::stock("sale"), sku}) + number({"HGET", keys::sold("sale"), sku}),
              number({"HGET", keys::initial("sale"), sku}))
        << sku;
    EXPECT_GE(number({"HGET", keys::stock("sale"), sku}), 0) << sku;
  }

  json deal(const std::string& sku, int64_t price, int64_t stock, int per_buyer, int64_t duration_ms,
            int64_t starts_in_ms = 0) {
    auto r = wait_shop([&](auto cb) {
      deals->create("sale", {sku, price, stock, per_buyer, starts_in_ms, duration_ms}, cb);
    });
    EXPECT_TRUE(r.ok()) << r.message;
    return r.value;
  }

  std::unique_ptr<OrderDesk> desk;
  std::unique_ptr<CatalogStore> catalog;
  std::unique_ptr<FlashDeals> deals;
  std::unique_ptr<ProductPins> pins;
  std::unique_ptr<ShopStats> stats;
};

}  // namespace

TEST_F(ShopStore, PerBuyerLimitHoldsAcrossOrders) {
  EXPECT_EQ(buy("k-limit-1", "honeycrisp", 4, "ann").status, BuyStatus::ok);
  BuyResult over = buy("k-limit-2", "honeycrisp", 3, "ann");
  EXPECT_EQ(over.error_code, "limit_reached");
  EXPECT_EQ(over.detail, 2);  // 6 per buyer, 4 bought
  EXPECT_EQ(buy("k-limit-3", "honeycrisp", 2, "ann").status, BuyStatus::ok);
  EXPECT_EQ(buy("k-limit-4", "honeycrisp", 1, "ann").error_code, "limit_reached");
  EXPECT_EQ(buy("k-limit-5", "honeycrisp", 5, "bob").status, BuyStatus::ok);  // others are not limited by Ann
  EXPECT_EQ(buy("k-limit-6", "gala", 5, "ann").status, BuyStatus::ok);        // no per-buyer limit on gala
  expect_invariant("honeycrisp");
}

TEST_F(ShopStore, EditsApplyToTheNextBuyAndKeepTheInvariant) {
  EXPECT_EQ(buy("k-edit-1", "gala", 2, "ann").status, BuyStatus::ok);
  Product cheaper = product("gala", 1299, 0);
  auto r = wait_shop([&](auto cb) { catalog->write("sale", {{cheaper, 50}}, CatalogStore::Write::replace, cb); });
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value[0]["stock"], 50);
  EXPECT_EQ(r.value[0]["sold"], 2);
  EXPECT_EQ(sync({"HGET", keys::initial("sale"), "gala"}), "52");
  ASSERT_EQ(buy("k-edit-2", "gala", 1, "bob").status, BuyStatus::ok);
  EXPECT_EQ(sync({"GET", keys::gmv("sale")}), std::to_string(2 * 1599 + 1299));
  expect_invariant("gala");
  // Removed: no more buys, the tally stays.
  ASSERT_TRUE(wait_shop([&](auto cb) { catalog->remove("sale", "gala", cb); }).ok());
  EXPECT_EQ(buy("k-edit-3", "gala", 1, "cy").error_code, "unknown_sku");
  EXPECT_EQ(sync({"HGET", keys::sold("sale"), "gala"}), "3");
  EXPECT_EQ(wait_shop([&](auto cb) { catalog->remove("sale", "gala", cb); }).problem, Problem::not_found);
}

TEST_F(ShopStore, WritesAreAllOrNothing) {
  // The second product exists: a create of both changes nothing.
  auto r = wait_shop([&](auto cb) {
    catalog->write("sale", {{product("fuji", 999, 5), 5}, {product("gala", 999, 5), 5}},
                   CatalogStore::Write::create, cb);
  });
  EXPECT_EQ(r.problem, Problem::conflict);
  EXPECT_EQ(sync({"HEXISTS", keys::products("sale"), "fuji"}), "0");
  EXPECT_EQ(wait_shop([&](auto cb) {
              catalog->write("sale", {{product("pear", 999, 5), 5}}, CatalogStore::Write::replace, cb);
            }).problem,
            Problem::not_found);
  auto up = wait_shop([&](auto cb) {
    catalog->write("sale", {{product("fuji", 999, 5), 5}, {product("gala", 1499, 5), std::nullopt}},
                   CatalogStore::Write::upsert, cb);
  });
  ASSERT_TRUE(up.ok()) << up.message;
  auto view = wait_shop([&](auto cb) { catalog->view("sale", cb); });
  ASSERT_EQ(view.value["products"].size(), 3u);
  EXPECT_EQ(view.value["products"][0]["sku"], "honeycrisp");  // listing order kept
  EXPECT_EQ(view.value["products"][1]["price_cents"], 1499);
  EXPECT_EQ(view.value["products"][1]["stock"], 20);  // stock not given: unchanged
  EXPECT_EQ(view.value["products"][2]["sku"], "fuji");
  EXPECT_GT(view.value["now"].get<int64_t>(), 1'700'000'000'000);
}

TEST_F(ShopStore, FlashDealSellsItsStockAtItsPriceOnly) {
  json d = deal("honeycrisp", 2499, 3, 2, 60'000);
  const std::string id = d["deal"]["id"];
  EXPECT_EQ(d["remaining"], 3);
  EXPECT_EQ(d["deal"]["regular_cents"], 3499);
  BuyResult first = buy("k-deal-1", "honeycrisp", 2, "ann", id);
  ASSERT_EQ(first.status, BuyStatus::ok);
  EXPECT_EQ(buy("k-deal-2", "honeycrisp", 1, "ann", id).error_code, "limit_reached");  // deal: 2 per buyer
  BuyResult over = buy("k-deal-3", "honeycrisp", 2, "bob", id);
  EXPECT_EQ(over.status, BuyStatus::sold_out);
  EXPECT_EQ(over.error_code, "deal_sold_out");
  EXPECT_EQ(buy("k-deal-4", "honeycrisp", 1, "bob", id).status, BuyStatus::ok);
  EXPECT_EQ(buy("k-deal-5", "honeycrisp", 1, "cy", id).error_code, "deal_sold_out");
  EXPECT_EQ(buy("k-deal-6", "honeycrisp", 1, "cy").status, BuyStatus::ok);  // the regular price still sells
  EXPECT_EQ(buy("k-deal-7", "gala", 1, "cy", id).error_code, "unknown_deal");
  EXPECT_EQ(buy("k-deal-8", "honeycrisp", 1, "cy", "d999").error_code, "unknown_deal");
  EXPECT_EQ(sync({"GET", keys::gmv("sale")}), std::to_string(3 * 2499 + 3499));
  EXPECT_EQ(sync({"HGET", keys::deal_left("sale"), id}), "0");
  expect_invariant("honeycrisp");
  // A retried deal click is its original order even after the deal sold out.
  BuyResult again = buy("k-deal-1", "honeycrisp", 2, "ann", id);
  EXPECT_EQ(again.status, BuyStatus::duplicate);
  EXPECT_EQ(again.order_id, first.order_id);
}

TEST_F(ShopStore, RedisClockOpensAndClosesDeals) {
  json later = deal("gala", 999, 5, 0, 1000, 60'000);
  const std::string id = later["deal"]["id"];
  BuyResult early = buy("k-clock-1", "gala", 1, "ann", id);
  EXPECT_EQ(early.error_code, "deal_not_started");
  EXPECT_GT(early.detail, 55'000);
  // One deal per product until it ends.
  auto second = wait_shop([&](auto cb) { deals->create("sale", {"gala", 899, 5, 0, 0, 5000}, cb); });
  EXPECT_EQ(second.problem, Problem::conflict);
  auto ended = wait_shop([&](auto cb) { deals->end("sale", id, cb); });
  ASSERT_TRUE(ended.ok()) << ended.message;
  EXPECT_EQ(buy("k-clock-2", "gala", 1, "ann", id).error_code, "deal_ended");
  EXPECT_EQ(wait_shop([&](auto cb) { deals->end("sale", id, cb); }).problem, Problem::conflict);

  json short_deal = deal("gala", 999, 5, 0, 1000);
  const std::string short_id = short_deal["deal"]["id"];
  EXPECT_EQ(buy("k-clock-3", "gala", 1, "ann", short_id).status, BuyStatus::ok);
  const int64_t ends = short_deal["deal"]["ends_at"];
  // Redis runs on this machine, so its clock is ours: wait until the deal is over.
  const auto wall_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  loop.run_until([&] { return wall_ms() > ends + 200; }, std::chrono::seconds(5));
  EXPECT_EQ(buy("k-clock-4", "gala", 1, "bob", short_id).error_code, "deal_ended");
  expect_invariant("gala");
}

TEST_F(ShopStore, DealRequestsAreChecked) {
  auto refused = [&](DealRequest r) { return wait_shop([&](auto cb) { deals->create("sale", r, cb); }); };
  EXPECT_EQ(refused({"gala", 1599, 5, 1, 0, 5000}).problem, Problem::invalid);   // not a discount
  EXPECT_EQ(refused({"gala", 999, 21, 1, 0, 5000}).problem, Problem::invalid);   // more than in stock
  EXPECT_EQ(refused({"pear", 999, 1, 1, 0, 5000}).problem, Problem::not_found);
  EXPECT_EQ(refused({"gala", 999, 5, 1, 0, 400'000}).problem, Problem::invalid);  // over 300 s
  EXPECT_EQ(refused({"gala", -5, 5, 1, 0, 5000}).problem, Problem::invalid);
  EXPECT_EQ(sync({"HLEN", keys::deals("sale")}), "0");
}

TEST_F(ShopStore, PinsKeepTheirMediaTimeForTheReplay) {
  ASSERT_TRUE(wait_shop([&](auto cb) { pins->pin("sale", "gala", 1'800'000'000'000, "seller", cb); }).ok());
  ASSERT_TRUE(wait_shop([&](auto cb) { pins->pin("sale", "", 1'800'000'005'000, "seller", cb); }).ok());
  auto last = wait_shop([&](auto cb) { pins->pin("sale", "honeycrisp", std::nullopt, "m-1", cb); });
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last.value["sku"], "honeycrisp");
  EXPECT_EQ(wait_shop([&](auto cb) { pins->pin("sale", "pear", std::nullopt, "m-1", cb); }).problem,
            Problem::not_found);
  auto timeline = wait_shop([&](auto cb) { pins->timeline("sale", cb); });
  ASSERT_EQ(timeline.value["pins"].size(), 3u);
  EXPECT_EQ(timeline.value["pins"][0]["sku"], "gala");
  EXPECT_EQ(timeline.value["pins"][0]["media_ms"], 1'800'000'000'000);
  EXPECT_TRUE(timeline.value["pins"][1]["sku"].is_null());
  EXPECT_EQ(timeline.value["pins"][2]["by"], "m-1");
  auto view = wait_shop([&](auto cb) { catalog->view("sale", cb); });
  EXPECT_EQ(view.value["pinned"]["sku"], "honeycrisp");
}

TEST_F(ShopStore, DashboardCountsTheFunnel) {
  stats->tap("sale", "ann", "gala");
  stats->tap("sale", "bob", "gala");
  stats->tap("sale", "bob", "made-up-sku");  // not listed: not counted
  ASSERT_EQ(buy("k-funnel-1", "gala", 2, "ann").status, BuyStatus::ok);
  ASSERT_EQ(buy("k-funnel-2", "gala", 9, "bob").error_code, "bad_qty");
  auto r = wait_shop([&](auto cb) { stats->read("sale", cb); });
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.value["funnel"]["tapped"], 2);
  EXPECT_EQ(r.value["funnel"]["clicked"], 2);
  EXPECT_EQ(r.value["funnel"]["bought"], 1);
  EXPECT_EQ(r.value["taps"]["gala"], 2);
  EXPECT_FALSE(r.value["taps"].contains("made-up-sku"));
  EXPECT_EQ(r.value["units"]["gala"], 2);
  EXPECT_EQ(r.value["gmv_cents"], 2 * 1599);
  EXPECT_EQ(r.value["orders"], 1);
  ASSERT_GE(r.value["minutes"].size(), 1u);
  int64_t orders = 0;
  for (auto& m : r.value["minutes"]) orders += m["orders"].get<int64_t>();
  EXPECT_EQ(orders, 1);
}
