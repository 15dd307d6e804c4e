#include "livegate/commerce/catalog_store.h"

#include "livegate/commerce/catalog_import.h"
#include "livegate/common/redis_keys.h"
#include "redis_clock_lua.h"

namespace livegate::commerce {

namespace {

// KEYS: products, terms, stock, sold, initial, catalog, catalog_seq.
// ARGV: groups of (sku, product json, terms, stock). Data written before terms existed (a
// product without terms) gets its terms and catalog position, keeping its stock.
const RedisScript& seed_script() {
  static const RedisScript script(R"LUA(
local seeded = 0
for i = 1, #ARGV, 4 do
  local sku, product, terms, stock = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if redis.call('HEXISTS', KEYS[5], sku) == 0 then
    redis.call('HSET', KEYS[1], sku, product)
    redis.call('HSET', KEYS[2], sku, terms)
    redis.call('HSET', KEYS[3], sku, stock)
    redis.call('HSET', KEYS[4], sku, 0)
    redis.call('HSET', KEYS[5], sku, stock)
    redis.call('ZADD', KEYS[6], redis.call('INCR', KEYS[7]), sku)
    seeded = seeded + 1
  elseif redis.call('HEXISTS', KEYS[2], sku) == 0 and redis.call('HEXISTS', KEYS[1], sku) == 1 then
    redis.call('HSET', KEYS[1], sku, product)
    redis.call('HSET', KEYS[2], sku, terms)
    redis.call('ZADD', KEYS[6], 'NX', redis.call('INCR', KEYS[7]), sku)
  end
end
return seeded
)LUA");
  return script;
}

// KEYS: products, terms, stock, sold, initial, catalog, catalog_seq, events.
// ARGV: mode (create|replace|upsert), max products, then groups of (sku, product json, terms,
// stock or '' = unchanged). All checks come first, so a refused write (or import) changes nothing.
const RedisScript& write_script() {
  static const RedisScript script(R"LUA(
local mode, max_products = ARGV[1], tonumber(ARGV[2])
local added = 0
for i = 3, #ARGV, 4 do
  local sku = ARGV[i]
  local exists = redis.call('HEXISTS', KEYS[1], sku) == 1
  if mode == 'create' and exists then return {'err', 'conflict', 'a product with sku ' .. sku .. ' exists'} end
  if mode == 'replace' and not exists then return {'err', 'not_found', 'no product with sku ' .. sku} end
  if not exists then added = added + 1 end
end
if redis.call('ZCARD', KEYS[6]) + added > max_products then
  return {'err', 'conflict', 'a broadcast lists at most ' .. max_products .. ' products'}
end
local written = {}
for i = 3, #ARGV, 4 do
  local sku, product, terms, stock = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local exists = redis.call('HEXISTS', KEYS[1], sku) == 1
  if not exists and stock == '' then stock = '0' end
  redis.call('HSET', KEYS[1], sku, product)
  redis.call('HSET', KEYS[2], sku, terms)
  if not exists then redis.call('ZADD', KEYS[6], redis.call('INCR', KEYS[7]), sku) end
  local sold = tonumber(redis.call('HGET', KEYS[4], sku)) or 0
  if stock ~= '' then
    redis.call('HSET', KEYS[3], sku, stock)
    redis.call('HSET', KEYS[4], sku, sold)
    redis.call('HSET', KEYS[5], sku, sold + tonumber(stock))
  end
  local remaining = tonumber(redis.call('HGET', KEYS[3], sku)) or 0
  redis.call('PUBLISH', KEYS[8], cjson.encode({type = 'product', sku = sku, product = cjson.decode(product),
                                               stock = remaining, sold = sold}))
  written[#written + 1] = {product, remaining, sold}
end
return {'ok', written}
)LUA");
  return script;
}

// KEYS: products, terms, catalog, events. ARGV: sku. Stock, sold and orders stay (the tally).
const RedisScript& remove_script() {
  static const RedisScript script(R"LUA(
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return {'err', 'not_found', 'no product with sku ' .. ARGV[1]} end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('PUBLISH', KEYS[4], cjson.encode({type = 'product', sku = ARGV[1], product = cjson.null}))
return 1
)LUA");
  return script;
}

// KEYS: catalog, products, stock, sold, pin, deal_active, deals, deal_left.
const RedisScript& view_script() {
  static const RedisScript script(with_redis_clock(R"LUA(
local skus = redis.call('ZRANGE', KEYS[1], 0, -1)
local products, stock, sold = {}, {}, {}
if #skus > 0 then
  products = redis.call('HMGET', KEYS[2], unpack(skus))
  stock = redis.call('HMGET', KEYS[3], unpack(skus))
  sold = redis.call('HMGET', KEYS[4], unpack(skus))
end
local deal_ids = redis.call('HVALS', KEYS[6])
local deals, left = {}, {}
if #deal_ids > 0 then
  deals = redis.call('HMGET', KEYS[7], unpack(deal_ids))
  left = redis.call('HMGET', KEYS[8], unpack(deal_ids))
end
return {skus, products, stock, sold, redis.call('GET', KEYS[5]) or '', deals, left, redis_now_ms()}
)LUA"));
  return script;
}

nlohmann::json parse_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(text, nullptr, false);
}

nlohmann::json view_from_reply(RedisReply r) {
  nlohmann::json view = {{"products", nlohmann::json::array()},
                         {"pinned", nullptr},
                         {"deals", nlohmann::json::array()},
                         {"now", 0}};
  if (r.size() != 8) return view;
  for (size_t i = 0; i < r[0].size(); ++i) {
    auto product = nlohmann::json::parse(r[1][i].string(), nullptr, false);
    if (!product.is_object()) continue;  // removed between ZRANGE and HMGET cannot happen in a script; be safe
    product["stock"] = r[2][i].integer();
    product["sold"] = r[3][i].integer();
    view["products"].push_back(std::move(product));
  }
  auto pin = parse_or_null(r[4].string());
  if (pin.is_object() && pin["sku"].is_string()) view["pinned"] = std::move(pin);
  for (size_t i = 0; i < r[5].size(); ++i) {
    auto deal = nlohmann::json::parse(r[5][i].string(), nullptr, false);
    if (!deal.is_object()) continue;
    deal["remaining"] = r[6][i].integer();
    view["deals"].push_back(std::move(deal));
  }
  view["now"] = r[7].integer();
  return view;
}

}  // namespace

std::string product_terms(const Product& p) {
  return std::to_string(p.price_cents) + ":" + std::to_string(p.max_per_order) + ":" +
         std::to_string(p.per_buyer);
}

void CatalogStore::seed(const std::string& id, const std::vector<Product>& products, DoneCallback done) {
  std::vector<std::string> args;
  for (const auto& p : products) {
    args.push_back(p.sku);
    args.push_back(product_json(p).dump());
    args.push_back(product_terms(p));
    args.push_back(std::to_string(p.initial_stock));
  }
  if (args.empty()) return done({});
  redis_.eval(seed_script(),
              {keys::products(id), keys::terms(id), keys::stock(id), keys::sold(id),
               keys::initial(id), keys::catalog(id), keys::catalog_seq(id)},
              args, [done = std::move(done)](RedisReply reply, const std::string& error) {
                if (!error.empty()) return done(error);
                if (reply.is_error()) return done(reply.string("script error"));
                done({});
              });
}

void CatalogStore::write(const std::string& id, const std::vector<ProductWrite>& writes, Write mode,
                         ShopCallback cb) {
  static constexpr const char* kModes[] = {"create", "replace", "upsert"};
  std::vector<std::string> args = {kModes[static_cast<int>(mode)], std::to_string(kMaxProducts)};
  for (const auto& w : writes) {
    args.push_back(w.product.sku);
    args.push_back(product_json(w.product).dump());
    args.push_back(product_terms(w.product));
    args.push_back(w.stock ? std::to_string(*w.stock) : std::string());
  }
  redis_.eval(write_script(),
              {keys::products(id), keys::terms(id), keys::stock(id), keys::sold(id),
               keys::initial(id), keys::catalog(id), keys::catalog_seq(id), keys::events(id)},
              args, [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                cb(read_script_reply(reply, error, [](RedisReply r) {
                  nlohmann::json products = nlohmann::json::array();
                  if (r.size() != 2) return products;
                  for (RedisReply w : r[1]) {
                    if (w.size() != 3) continue;
                    auto product = nlohmann::json::parse(w[0].string(), nullptr, false);
                    if (!product.is_object()) continue;  // not a product this script wrote
                    product["stock"] = w[1].integer();
                    product["sold"] = w[2].integer();
                    products.push_back(std::move(product));
                  }
                  return products;
                }));
              });
}

void CatalogStore::remove(const std::string& id, const std::string& sku, ShopCallback cb) {
  redis_.eval(remove_script(),
              {keys::products(id), keys::terms(id), keys::catalog(id), keys::events(id)}, {sku},
              [cb = std::move(cb), sku](RedisReply reply, const std::string& error) {
                cb(read_script_reply(reply, error, [&](RedisReply) {
                  return nlohmann::json{{"sku", sku}, {"removed", true}};
                }));
              });
}

void CatalogStore::view(const std::string& id, ShopCallback cb) {
  redis_.eval(view_script(),
              {keys::catalog(id), keys::products(id), keys::stock(id), keys::sold(id), keys::pin(id),
               keys::deal_active(id), keys::deals(id), keys::deal_left(id)},
              {}, [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                cb(read_script_reply(reply, error, view_from_reply));
              });
}

}  // namespace livegate::commerce
