#pragma once
// The Lua scripts that own the tally. Every change to stock, sold, GMV and orders happens
// inside one of these, so Redis' single-threaded script execution is the lock.

#include "livegate/common/redis_client.h"

namespace livegate::commerce {

// KEYS: stock, sold, initial, products, meta.  ARGV: groups of (sku, product json, initial stock).
// Stock, sold and initial are only set when missing: reopening a shop after a restart keeps
// the tally.
const RedisScript& open_shop_script();

// KEYS: stock, sold, gmv, orders, idem, events.  ARGV: now_ms, then groups of
// (key, sku, qty, price_cents, user). Returns one {status, order_id, remaining, sold} per buy.
const RedisScript& buy_script();

// KEYS: stock, sold, gmv, orders. Returns {stock pairs, sold pairs, gmv, order count}.
const RedisScript& tally_script();

}  // namespace livegate::commerce
