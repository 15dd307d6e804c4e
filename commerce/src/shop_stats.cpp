#include "livegate/commerce/shop_stats.h"

#include <map>

#include "livegate/common/log.h"
#include "livegate/common/redis_keys.h"
#include "redis_clock_lua.h"

namespace livegate::commerce {

namespace {

// KEYS: stats, tappers, products. ARGV: user, sku. Only listed skus count, so made-up ones
// cannot grow the hash.
const RedisScript& tap_script() {
  static const RedisScript script(with_redis_clock(R"LUA(
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then return 0 end
local minute = tostring(math.floor(redis_now_ms() / 60000))
redis.call('HINCRBY', KEYS[1], 'taps', 1)
redis.call('HINCRBY', KEYS[1], 'taps:' .. minute, 1)
redis.call('HINCRBY', KEYS[1], 'tap:' .. ARGV[2], 1)
redis.call('PFADD', KEYS[2], ARGV[1])
return 1
)LUA"));
  return script;
}

// KEYS: stats, uniques, tappers, clickers, buyers, sold, gmv, orders.
const RedisScript& read_script() {
  static const RedisScript script(with_redis_clock(R"LUA(
return {redis.call('HGETALL', KEYS[1]), redis.call('PFCOUNT', KEYS[2]), redis.call('PFCOUNT', KEYS[3]),
        redis.call('PFCOUNT', KEYS[4]), redis.call('PFCOUNT', KEYS[5]), redis.call('HGETALL', KEYS[6]),
        tonumber(redis.call('GET', KEYS[7]) or '0'), redis.call('XLEN', KEYS[8]),
        redis_now_ms()}
)LUA"));
  return script;
}

nlohmann::json stats_from_reply(const redisReply* r) {
  nlohmann::json out = {{"units", nlohmann::json::object()}, {"taps", nlohmann::json::object()}};
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 9) return out;
  // Per-minute counters come as "<what>:<unix minute>" fields; a sorted map lines them up.
  std::map<int64_t, nlohmann::json> minutes;
  const redisReply* counters = r->element[0];
  for (size_t i = 0; i + 1 < counters->elements; i += 2) {
    const std::string field = reply_string(counters->element[i]);
    const int64_t value = reply_integer(counters->element[i + 1]);
    const auto colon = field.find(':');
    if (colon == std::string::npos) {
      out[field + "_total"] = value;  // clicks_total, taps_total
      continue;
    }
    const std::string what = field.substr(0, colon);
    const std::string rest = field.substr(colon + 1);
    if (what == "tap") {
      out["taps"][rest] = value;
      continue;
    }
    const int64_t minute = std::strtoll(rest.c_str(), nullptr, 10);
    auto& m = minutes[minute];
    if (m.is_null()) m = {{"t", minute * 60000}, {"orders", 0}, {"units", 0}, {"gmv_cents", 0}, {"clicks", 0}, {"taps", 0}};
    m[what == "gmv" ? "gmv_cents" : what] = value;
  }
  out["minutes"] = nlohmann::json::array();
  for (auto& [minute, m] : minutes) out["minutes"].push_back(std::move(m));
  out["funnel"] = {{"viewers", reply_integer(r->element[1])},
                   {"tapped", reply_integer(r->element[2])},
                   {"clicked", reply_integer(r->element[3])},
                   {"bought", reply_integer(r->element[4])}};
  const redisReply* sold = r->element[5];
  for (size_t i = 0; i + 1 < sold->elements; i += 2) {
    out["units"][reply_string(sold->element[i])] = reply_integer(sold->element[i + 1]);
  }
  out["gmv_cents"] = reply_integer(r->element[6]);
  out["orders"] = reply_integer(r->element[7]);
  out["now"] = reply_integer(r->element[8]);
  return out;
}

}  // namespace

void ShopStats::tap(const std::string& id, const std::string& user, const std::string& sku) {
  redis_.eval(tap_script(), {keys::shop_stats(id), keys::tappers(id), keys::products(id)}, {user, sku},
              [id](const redisReply* reply, const std::string& error) {
                if (!error.empty() || reply_is_error(reply)) {
                  log("commerce")->debug("broadcast {}: tap not counted: {}", id,
                                         error.empty() ? reply_string(reply) : error);
                }
              });
}

void ShopStats::read(const std::string& id, ShopCallback cb) {
  redis_.eval(read_script(),
              {keys::shop_stats(id), keys::uniques(id), keys::tappers(id), keys::clickers(id),
               keys::buyers(id), keys::sold(id), keys::gmv(id), keys::orders(id)},
              {}, [cb = std::move(cb)](const redisReply* reply, const std::string& error) {
                cb(read_script_reply(reply, error, stats_from_reply));
              });
}

}  // namespace livegate::commerce
