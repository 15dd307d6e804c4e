#pragma once
// A real redis-server, a real livegate selling one product, and the real buy script run from the
// test (an OrderDesk on the test's own loop) to place orders fast, as buy_script_test does.

#include <nlohmann/json.hpp>
#include <set>

#include "livegate/commerce/catalog_store.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/common/redis_keys.h"
#include "redis_fixture.h"

namespace livegate::testing {

inline constexpr const char* kSellerToken = "seller-token-for-order-tests-0123";
inline constexpr const char* kSku = "honeycrisp-10lb";
inline constexpr int64_t kPriceCents = 3499;

inline std::string shop_yaml(const std::string& id) {
  return "  - id: " + id +
         "\n    title: Orchard orders\n    source: {type: none}\n    products:\n"
         "      - {sku: honeycrisp-10lb, title: Honeycrisp 10 lb, price_cents: 3499, stock: "
         "100000, "
         "max_per_order: 5}\n";
}

inline std::vector<commerce::Product> shop_products() {
  commerce::Product p;
  p.sku = kSku;
  p.title = "Honeycrisp 10 lb";
  p.price_cents = kPriceCents;
  p.initial_stock = 100000;
  p.max_per_order = 5;
  return {p};
}

class OrderFixture : public RedisFixture {
 protected:
  // What the test adds to livegate's config (auth, webhooks, ...).
  virtual std::string extra_yaml() const { return {}; }
  virtual std::string broadcasts_yaml() const { return shop_yaml("orchard"); }

  void SetUp() override {
    RedisFixture::SetUp();
    if (HasFatalFailure()) return;
    BeforeLivegate();
    server = std::make_unique<LivegateServer>(redis_server.port(), broadcasts_yaml(), extra_yaml());
    ASSERT_TRUE(server->start()) << server->log();
    desk = std::make_unique<commerce::OrderDesk>(loop, *redis);
    open_shop("orchard");
  }
  void TearDown() override {
    if (HasFailure() && server)
      std::fprintf(stderr, "--- livegate log ---\n%s\n", server->log().c_str());
    if (server) server->stop();
  }
  virtual void BeforeLivegate() {}

  // Seeds the catalog as livegate does (a no-op for skus it listed already) and opens the desk.
  void open_shop(const std::string& id) {
    bool opened = false;
    commerce::CatalogStore catalog(*redis);
    catalog.seed(id, shop_products(), [&](const std::string& error) {
      EXPECT_EQ(error, "");
      opened = true;
    });
    ASSERT_TRUE(loop.run_until([&] { return opened; }, std::chrono::seconds(5)));
    desk->open_shop(id);
  }

  // Places orders through the buy script (batched as on a busy node); returns their ids in order.
  std::vector<std::string> buy(const std::vector<std::string>& users,
                               const std::string& broadcast = "orchard", int64_t qty = 1) {
    std::vector<std::string> ids(users.size());
    size_t answered = 0;
    for (size_t i = 0; i < users.size(); ++i) {
      commerce::BuyRequest r{"key-" + std::to_string(next_key_++), kSku, qty, users[i], ""};
      desk->buy(broadcast, r, [&, i](const commerce::BuyResult& result) {
        EXPECT_EQ(result.status, commerce::BuyStatus::ok) << result.message;
        ids[i] = result.order_id;
        answered++;
      });
    }
    EXPECT_TRUE(loop.run_until([&] { return answered == users.size(); }, std::chrono::seconds(20)));
    return ids;
  }
  std::string buy_one(const std::string& user = "u-1", const std::string& broadcast = "orchard") {
    return buy({user}, broadcast).front();
  }

  // Runs a command and hands its reply to read (on the test's loop).
  void with_reply(const std::vector<std::string>& argv,
                  const std::function<void(RedisReply)>& read) {
    bool done = false;
    redis->command(argv, [&](RedisReply r, const std::string& error) {
      EXPECT_EQ(error, "");
      read(r);
      done = true;
    });
    ASSERT_TRUE(loop.run_until([&] { return done; }, std::chrono::seconds(5)));
  }

  // Orders of the webhooks group not yet acknowledged (XPENDING summary).
  long long pending(const std::string& broadcast = "orchard") {
    long long n = -1;
    with_reply({"XPENDING", keys::orders(broadcast), "webhooks"}, [&](RedisReply r) {
      if (r.size() >= 1) n = r[0].integer(-1);
    });
    return n;
  }

  // Keeps the test's Redis client serviced while waiting for something else (another thread).
  bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    return loop.run_until(pred, timeout);
  }

  std::unique_ptr<LivegateServer> server;
  std::unique_ptr<commerce::OrderDesk> desk;

 private:
  int next_key_ = 1;
};

}  // namespace livegate::testing
