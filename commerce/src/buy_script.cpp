#include "buy_script.h"

#include "livegate/common/redis_keys.h"
#include "redis_clock_lua.h"

namespace livegate::commerce {

std::vector<std::string> buy_script_keys(const std::string& id) {
  return {keys::stock(id),      keys::sold(id),       keys::gmv(id),        keys::orders(id),
          keys::idem(id),       keys::events(id),     keys::terms(id),      keys::bought(id),
          keys::deal_terms(id), keys::deal_left(id),  keys::shop_stats(id), keys::clickers(id),
          keys::buyers(id)};
}

const RedisScript& buy_script() {
  // One call settles a whole batch of clicks, in arrival order. Per buy: a known (user, key)
  // returns its original order (id, sku, qty and deal, read back from the order stream); otherwise terms, per-buyer limits and the deal window are
  // checked, then stock, sold, GMV, the order record and the key are written together. At the
  // end: one stock event per touched sku, one deal event per touched deal, and the dashboard's
  // per-minute counters, so a batch of 64 clicks costs a handful of extra commands, not 64x.
  static const RedisScript script(with_redis_clock(R"LUA(
local stock_key, sold_key, gmv_key, orders_key, idem_key, events = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local terms_key, bought_key, deal_terms_key, deal_left_key = KEYS[7], KEYS[8], KEYS[9], KEYS[10]
local stats_key, clickers_key, buyers_key = KEYS[11], KEYS[12], KEYS[13]
local now = redis_now_ms()
local minute = tostring(math.floor(now / 60000))
local results, touched, deals_touched = {}, {}, {}
local clickers, buyers = {}, {}
local orders, units, gmv = 0, 0, 0

local function counts(sku)
  return tonumber(redis.call('HGET', stock_key, sku)) or 0, tonumber(redis.call('HGET', sold_key, sku)) or 0
end

-- The deal's price and per-buyer field when the buy may go ahead at the deal price,
-- else a refusal status and detail.
local function deal_terms(deal, sku, qty, user)
  local dt = redis.call('HGET', deal_terms_key, deal)
  if not dt then return nil, 'unknown_deal', 0 end
  local dsku, dprice, dper, dstart, dend = string.match(dt, '^([^:]+):(%d+):(%d+):(%d+):(%d+)$')
  if dsku ~= sku then return nil, 'unknown_deal', 0 end
  if now < tonumber(dstart) then return nil, 'deal_not_started', tonumber(dstart) - now end
  if now >= tonumber(dend) then return nil, 'deal_ended', 0 end
  local field = 'deal:' .. deal .. '|' .. user
  dper = tonumber(dper)
  if dper > 0 then
    local had = tonumber(redis.call('HGET', bought_key, field)) or 0
    if had + qty > dper then return nil, 'limit_reached', math.max(0, dper - had) end
  end
  if (tonumber(redis.call('HGET', deal_left_key, deal)) or 0) < qty then return nil, 'deal_sold_out', 0 end
  return {price = tonumber(dprice), field = field, limited = dper > 0}
end

for i = 1, #ARGV, 5 do
  local key, sku, qty, user, deal = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3], ARGV[i + 4]
  clickers[#clickers + 1] = user
  local idem_field = user .. '|' .. key
  local previous = redis.call('HGET', idem_key, idem_field)
  local terms = redis.call('HGET', terms_key, sku)
  if previous then
    -- The receipt is the original order's, whatever this click named: its sku, qty and deal.
    local osku, oqty, odeal = '', 0, ''
    local original = redis.call('XRANGE', orders_key, previous, previous)
    if original[1] then
      local f = original[1][2]
      for j = 1, #f, 2 do
        if f[j] == 'sku' then osku = f[j + 1] elseif f[j] == 'qty' then oqty = tonumber(f[j + 1]) or 0
        elseif f[j] == 'deal' then odeal = f[j + 1] end
      end
    end
    local remaining, sold = counts(osku ~= '' and osku or sku)
    results[#results + 1] = {'duplicate', previous, remaining, sold, 0, osku, oqty, odeal}
  elseif not terms then
    results[#results + 1] = {'unknown_sku', '', 0, 0, 0}
  else
    local price, max_qty, per_buyer = string.match(terms, '^(%d+):(%d+):(%d+)$')
    price, max_qty, per_buyer = tonumber(price), tonumber(max_qty), tonumber(per_buyer)
    local buyer_field = sku .. '|' .. user
    local status, detail, on_deal = nil, 0, nil
    if qty == nil or qty < 1 or qty > max_qty then
      status, detail = 'bad_qty', max_qty
    elseif per_buyer > 0 then
      local had = tonumber(redis.call('HGET', bought_key, buyer_field)) or 0
      if had + qty > per_buyer then status, detail = 'limit_reached', math.max(0, per_buyer - had) end
    end
    if not status and deal ~= '' then
      on_deal, status, detail = deal_terms(deal, sku, qty, user)
      if on_deal then price = on_deal.price end
    end
    local remaining, sold = counts(sku)
    if not status and remaining < qty then status = 'sold_out' end
    if status then
      results[#results + 1] = {status, '', remaining, sold, detail}
    else
      remaining = redis.call('HINCRBY', stock_key, sku, -qty)
      sold = redis.call('HINCRBY', sold_key, sku, qty)
      if per_buyer > 0 then redis.call('HINCRBY', bought_key, buyer_field, qty) end
      local fields = {'key', key, 'user', user, 'sku', sku, 'qty', qty, 'price_cents', price,
                      'amount_cents', qty * price, 'ts', now}
      if on_deal then
        deals_touched[deal] = redis.call('HINCRBY', deal_left_key, deal, -qty)
        if on_deal.limited then redis.call('HINCRBY', bought_key, on_deal.field, qty) end
        fields[#fields + 1] = 'deal'
        fields[#fields + 1] = deal
      end
      local id = redis.call('XADD', orders_key, '*', unpack(fields))
      redis.call('HSET', idem_key, idem_field, id)
      touched[sku] = {remaining, sold}
      orders, units, gmv = orders + 1, units + qty, gmv + qty * price
      buyers[#buyers + 1] = user
      results[#results + 1] = {'ok', id, remaining, sold, 0}
    end
  end
end
if gmv > 0 then redis.call('INCRBY', gmv_key, gmv) end
redis.call('HINCRBY', stats_key, 'clicks', #clickers)
redis.call('HINCRBY', stats_key, 'clicks:' .. minute, #clickers)
redis.call('PFADD', clickers_key, unpack(clickers))
if orders > 0 then
  redis.call('HINCRBY', stats_key, 'orders:' .. minute, orders)
  redis.call('HINCRBY', stats_key, 'units:' .. minute, units)
  redis.call('HINCRBY', stats_key, 'gmv:' .. minute, gmv)
  redis.call('PFADD', buyers_key, unpack(buyers))
end
for sku, c in pairs(touched) do
  redis.call('PUBLISH', events, cjson.encode({type = 'stock', sku = sku, remaining = c[1], sold = c[2]}))
end
for deal, left in pairs(deals_touched) do
  redis.call('PUBLISH', events, cjson.encode({type = 'deal_stock', id = deal, remaining = left}))
end
return results
)LUA"));
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
