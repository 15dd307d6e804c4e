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

nlohmann::json stats_from_reply(RedisReply r) {
  nlohmann::json out = {{"units", nlohmann::json::object()}, {"taps", nlohmann::json::object()}};
  if (r.size() != 9) return out;
  // Per-minute counters come as "<what>:<unix minute>" fields; a sorted map lines them up.
  std::map<int64_t, nlohmann::json> minutes;
  const RedisReply counters = r[0];
  for (size_t i = 0; i + 1 < counters.size(); i += 2) {
    const std::string field = counters[i].string();
    const int64_t value = counters[i + 1].integer();
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
  out["funnel"] = {{"viewers", r[1].integer()},
                   {"tapped", r[2].integer()},
                   {"clicked", r[3].integer()},
                   {"bought", r[4].integer()}};
  const RedisReply sold = r[5];
  for (size_t i = 0; i + 1 < sold.size(); i += 2) {
    out["units"][sold[i].string()] = sold[i + 1].integer();
  }
  out["gmv_cents"] = r[6].integer();
  out["orders"] = r[7].integer();
  out["now"] = r[8].integer();
  return out;
}

}  // namespace

void ShopStats::tap(const std::string& id, const std::string& user, const std::string& sku) {
  redis_.eval(tap_script(), {keys::shop_stats(id), keys::tappers(id), keys::products(id)}, {user, sku},
              [id](RedisReply reply, const std::string& error) {
                if (!error.empty() || reply.is_error()) {
                  log("commerce")->debug("broadcast {}: tap not counted: {}", id,
                                         error.empty() ? reply.string() : error);
                }
              });
}

void ShopStats::read(const std::string& id, ShopCallback cb) {
  redis_.eval(read_script(),
              {keys::shop_stats(id), keys::uniques(id), keys::tappers(id), keys::clickers(id),
               keys::buyers(id), keys::sold(id), keys::gmv(id), keys::orders(id)},
              {}, [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                cb(read_script_reply(reply, error, stats_from_reply));
              });
}

}  // namespace livegate::commerce
