#pragma once
// A broadcast's catalog in Redis: the products sellers list, edit and remove while live, and the
// shop view a viewer gets on joining (products with stock and sold, the pin, the deals, the
// Redis clock). Every change is published on the room's events channel, so viewers on every
// node see it, and every node reads from Redis, so no node serves a stale price.

#include <optional>
#include <string>
#include <vector>

#include "livegate/commerce/catalog.h"
#include "livegate/commerce/shop_result.h"
#include "livegate/common/redis_client.h"

namespace livegate::commerce {

class CatalogStore {
 public:
  using DoneCallback = std::function<void(const std::string& error)>;
  enum class Write { create, replace, upsert };
  struct ProductWrite {
    Product product;
    // Units on sale from now on (initial becomes sold + stock, so stock + sold = initial
    // holds); nullopt leaves the stock as it is (0 for a new product).
    std::optional<int64_t> stock;
  };

  explicit CatalogStore(RedisClient& redis) : redis_(redis) {}

  // Writes the products a config or import file lists, each only if this sku was never
  // listed before: after a restart the seller's live edits and the tally stay.
  void seed(const std::string& broadcast_id, const std::vector<Product>& products, DoneCallback done);

  // All or nothing: create refuses (conflict) when a sku is listed, replace (not_found) when
  // one is not; upsert takes both (an import). At most kMaxProducts per broadcast. Value: the
  // written products' JSON with stock and sold.
  void write(const std::string& broadcast_id, const std::vector<ProductWrite>& writes, Write mode,
             ShopCallback cb);
  // Takes a product off sale; orders and the tally of what it sold stay.
  void remove(const std::string& broadcast_id, const std::string& sku, ShopCallback cb);

  // {"products": [product + stock + sold], "pinned": pin or null, "deals": [deal + remaining],
  //  "now": Redis time ms}
  void view(const std::string& broadcast_id, ShopCallback cb);

 private:
  RedisClient& redis_;
};

// The terms the buy script reads: "price_cents:max_per_order:per_buyer".
std::string product_terms(const Product& p);

}  // namespace livegate::commerce
