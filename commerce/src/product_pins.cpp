#include "livegate/commerce/product_pins.h"

#include "livegate/common/redis_keys.h"
#include "livegate/common/redis_stream.h"
#include "redis_clock_lua.h"

namespace livegate::commerce {

namespace {

constexpr int kTimelineMax = 10000;

// KEYS: products, pin, pins, events. ARGV: sku ('' = unpin), media_ms ('' = now), by.
const RedisScript& pin_script() {
  static const RedisScript script(with_redis_clock(R"LUA(
local sku = ARGV[1]
if sku ~= '' and redis.call('HEXISTS', KEYS[1], sku) == 0 then
  return {'err', 'not_found', 'no product with sku ' .. sku}
end
local now = redis_now_ms()
local media = ARGV[2] == '' and now or tonumber(ARGV[2])
local pin = {sku = sku ~= '' and sku or cjson.null, media_ms = media, at = now, by = ARGV[3]}
local json = cjson.encode(pin)
redis.call('SET', KEYS[2], json)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'sku', sku, 'media_ms', media, 'at', now, 'by', ARGV[3])
pin.type = 'pin'
redis.call('PUBLISH', KEYS[4], cjson.encode(pin))
return json
)LUA"));
  return script;
}

}  // namespace

void ProductPins::pin(const std::string& id, const std::string& sku, std::optional<int64_t> media_ms,
                      const std::string& by, ShopCallback cb) {
  redis_.eval(pin_script(), {keys::products(id), keys::pin(id), keys::pins(id), keys::events(id)},
              {sku, media_ms ? std::to_string(*media_ms) : std::string(), by, std::to_string(kTimelineMax)},
              [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                cb(read_script_reply(reply, error, [](RedisReply r) {
                  return nlohmann::json::parse(r.string(), nullptr, false);
                }));
              });
}

void ProductPins::timeline(const std::string& id, ShopCallback cb) {
  redis_.command({"XREVRANGE", keys::pins(id), "+", "-", "COUNT", std::to_string(kTimelineMax)},
                 [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                   cb(read_script_reply(reply, error, [](RedisReply r) {
                     nlohmann::json pins = nlohmann::json::array();
                     // Newest first from XREVRANGE (so the cap keeps the latest); reversed here.
                     const std::vector<StreamEntry> entries = stream_entries(r);
                     for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) {
                       nlohmann::json pin = {{"sku", nullptr}};
                       for (const auto& [name, value] : entry->fields) {
                         if (name == "sku") {
                           if (!value.empty()) pin["sku"] = value;
                         } else if (name == "by") {
                           pin["by"] = value;
                         } else {
                           pin[name] = std::strtoll(value.c_str(), nullptr, 10);
                         }
                       }
                       pins.push_back(std::move(pin));
                     }
                     return nlohmann::json{{"pins", std::move(pins)}};
                   }));
                 });
}

}  // namespace livegate::commerce
