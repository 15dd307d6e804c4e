#include "livegate/commerce/flash_deals.h"

#include "livegate/common/redis_keys.h"
#include "redis_clock_lua.h"

namespace livegate::commerce {

namespace {

// KEYS: terms, stock, deals, deal_terms, deal_left, deal_active, deal_seq, events.
// ARGV: sku, price_cents, stock, per_buyer, starts_in_ms, duration_ms.
const RedisScript& create_script() {
  static const RedisScript script(with_redis_clock(R"LUA(
local sku = ARGV[1]
local terms = redis.call('HGET', KEYS[1], sku)
if not terms then return {'err', 'not_found', 'no product with sku ' .. sku} end
local regular = tonumber(string.match(terms, '^(%d+):'))
local price, units, per_buyer = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if price >= regular then
  return {'err', 'invalid', 'a deal price must be below the regular price (' .. regular .. ' cents)'}
end
local available = tonumber(redis.call('HGET', KEYS[2], sku)) or 0
if units > available then return {'err', 'invalid', 'only ' .. available .. ' units are in stock'} end
local now = redis_now_ms()
local current = redis.call('HGET', KEYS[6], sku)
if current then
  local ends = tonumber(string.match(redis.call('HGET', KEYS[4], current) or ':0', ':(%d+)$'))
  if ends > now then return {'err', 'conflict', 'deal ' .. current .. ' on this product has not ended'} end
end
local id = 'd' .. redis.call('INCR', KEYS[7])
local starts = now + tonumber(ARGV[5])
local ends = starts + tonumber(ARGV[6])
local deal = {id = id, sku = sku, price_cents = price, regular_cents = regular, stock = units,
              per_buyer = per_buyer, starts_at = starts, ends_at = ends}
local json = cjson.encode(deal)
redis.call('HSET', KEYS[3], id, json)
redis.call('HSET', KEYS[4], id, table.concat({sku, price, per_buyer, starts, ends}, ':'))
redis.call('HSET', KEYS[5], id, units)
redis.call('HSET', KEYS[6], sku, id)
redis.call('PUBLISH', KEYS[8], cjson.encode({type = 'deal', deal = deal, remaining = units, now = now}))
return {json, units, now}
)LUA"));
  return script;
}

// KEYS: deals, deal_terms, deal_left, events. ARGV: deal id.
const RedisScript& end_script() {
  static const RedisScript script(with_redis_clock(R"LUA(
local terms = redis.call('HGET', KEYS[2], ARGV[1])
if not terms then return {'err', 'not_found', 'no deal ' .. ARGV[1]} end
local sku, price, per_buyer, starts, ends = string.match(terms, '^([^:]+):(%d+):(%d+):(%d+):(%d+)$')
local now = redis_now_ms()
if tonumber(ends) <= now then return {'err', 'conflict', 'deal ' .. ARGV[1] .. ' is already over'} end
starts = math.min(tonumber(starts), now)
redis.call('HSET', KEYS[2], ARGV[1], table.concat({sku, price, per_buyer, starts, now}, ':'))
local deal = cjson.decode(redis.call('HGET', KEYS[1], ARGV[1]))
deal.starts_at, deal.ends_at = starts, now
local json = cjson.encode(deal)
redis.call('HSET', KEYS[1], ARGV[1], json)
local left = tonumber(redis.call('HGET', KEYS[3], ARGV[1])) or 0
redis.call('PUBLISH', KEYS[4], cjson.encode({type = 'deal', deal = deal, remaining = left, now = now}))
return {json, left, now}
)LUA"));
  return script;
}

ShopResult deal_result(RedisReply reply, const std::string& error) {
  return read_script_reply(reply, error, [](RedisReply r) {
    return nlohmann::json{{"deal", nlohmann::json::parse(r[0].string(), nullptr, false)},
                          {"remaining", r[1].integer()},
                          {"now", r[2].integer()}};
  });
}

}  // namespace

std::optional<std::string> validate_deal(const DealRequest& r, const DealLimits& limits) {
  if (r.sku.empty()) return "sku is required";
  if (r.price_cents <= 0) return "price_cents must be at least 1";
  if (r.stock < 1 || r.stock > 10'000'000) return "stock must be between 1 and 10000000";
  if (r.per_buyer < 0 || r.per_buyer > 1000) return "per_buyer must be between 0 and 1000";
  if (r.duration_ms < limits.min_duration_ms || r.duration_ms > limits.max_duration_ms) {
    return "duration_seconds must be between " + std::to_string(limits.min_duration_ms / 1000) +
           " and " + std::to_string(limits.max_duration_ms / 1000);
  }
  if (r.starts_in_ms < 0 || r.starts_in_ms > limits.max_starts_in_ms) {
    return "starts_in_seconds must be between 0 and " + std::to_string(limits.max_starts_in_ms / 1000);
  }
  return std::nullopt;
}

void FlashDeals::create(const std::string& id, const DealRequest& r, ShopCallback cb) {
  if (auto problem = validate_deal(r, limits_)) return cb(ShopResult::failure(Problem::invalid, *problem));
  redis_.eval(create_script(),
              {keys::terms(id), keys::stock(id), keys::deals(id), keys::deal_terms(id),
               keys::deal_left(id), keys::deal_active(id), keys::deal_seq(id), keys::events(id)},
              {r.sku, std::to_string(r.price_cents), std::to_string(r.stock),
               std::to_string(r.per_buyer), std::to_string(r.starts_in_ms),
               std::to_string(r.duration_ms)},
              [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                cb(deal_result(reply, error));
              });
}

void FlashDeals::end(const std::string& id, const std::string& deal_id, ShopCallback cb) {
  redis_.eval(end_script(), {keys::deals(id), keys::deal_terms(id), keys::deal_left(id), keys::events(id)},
              {deal_id}, [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                cb(deal_result(reply, error));
              });
}

}  // namespace livegate::commerce
