#pragma once
// The Lua scripts that own the tally. Every change to stock, sold, GMV and orders happens
// inside one of these, so Redis' single-threaded script execution is the lock. Prices, limits
// and deal windows are read inside the script too (from the terms the catalog and deal scripts
// keep), so no node's stale copy and no node's clock can sell at the wrong price or time.

#include <string>
#include <vector>

#include "livegate/common/redis_client.h"

namespace livegate::commerce {

// KEYS of the buy script, in order.
std::vector<std::string> buy_script_keys(const std::string& broadcast_id);

// ARGV: groups of (key, sku, qty, user, deal id or ""). Returns per buy
// {status, order_id, remaining, sold, detail} where status is ok, duplicate, sold_out,
// deal_sold_out, unknown_sku, unknown_deal, bad_qty (detail: max per order), limit_reached
// (detail: units the buyer may still buy), deal_not_started (detail: ms until it starts) or
// deal_ended. A duplicate (same user and key as an earlier order) returns that order's id.
const RedisScript& buy_script();

// KEYS: stock, sold, gmv, orders. Returns {stock pairs, sold pairs, gmv, order count}.
const RedisScript& tally_script();

}  // namespace livegate::commerce
