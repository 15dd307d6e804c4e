#include "buy_script.h"

namespace livegate::commerce {

const RedisScript& open_shop_script() {
  static const RedisScript script(R"LUA(
for i = 1, #ARGV, 3 do
  local sku, product, initial = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  redis.call('HSET', KEYS[4], sku, product)
  redis.call('HSETNX', KEYS[1], sku, initial)
  redis.call('HSETNX', KEYS[2], sku, 0)
  redis.call('HSETNX', KEYS[3], sku, initial)
end
return #ARGV / 3
)LUA");
  return script;
}

const RedisScript& buy_script() {
  // One call settles a whole batch of clicks. Per buy: a known idempotency key returns its
  // original order; otherwise the stock check and decrement, sold, GMV, the order record and
  // the key are written together. One stock event per touched sku goes out at the end.
  static const RedisScript script(R"LUA(
local stock_key, sold_key, gmv_key, orders_key, idem_key, events = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local now = ARGV[1]
local results = {}
local touched = {}
for i = 2, #ARGV, 5 do
  local key, sku, qty, price, user = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), ARGV[i + 4]
  local previous = redis.call('HGET', idem_key, key)
  local remaining = tonumber(redis.call('HGET', stock_key, sku))
  if previous then
    local sold = tonumber(redis.call('HGET', sold_key, sku)) or 0
    results[#results + 1] = {'duplicate', previous, remaining or 0, sold}
  elseif remaining == nil or qty == nil or qty < 1 or price == nil then
    results[#results + 1] = {'invalid', '', 0, 0}
  elseif remaining < qty then
    local sold = tonumber(redis.call('HGET', sold_key, sku)) or 0
    results[#results + 1] = {'sold_out', '', remaining, sold}
  else
    remaining = redis.call('HINCRBY', stock_key, sku, -qty)
    local sold = redis.call('HINCRBY', sold_key, sku, qty)
    redis.call('INCRBY', gmv_key, qty * price)
    local id = redis.call('XADD', orders_key, '*', 'key', key, 'sku', sku, 'qty', qty,
                          'price_cents', price, 'amount_cents', qty * price, 'user', user, 'ts', now)
    redis.call('HSET', idem_key, key, id)
    touched[sku] = {remaining, sold}
    results[#results + 1] = {'ok', id, remaining, sold}
  end
end
for sku, t in pairs(touched) do
  redis.call('PUBLISH', events, cjson.encode({type = 'stock', sku = sku, remaining = t[1], sold = t[2]}))
end
return results
)LUA");
  return script;
}

const RedisScript& tally_script() {
  static const RedisScript script(R"LUA(
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]),
        tonumber(redis.call('GET', KEYS[3]) or '0'), redis.call('XLEN', KEYS[4])}
)LUA");
  return script;
}

}  // namespace livegate::commerce
