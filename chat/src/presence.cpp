#include "livegate/chat/presence.h"

#include <algorithm>

#include "livegate/common/log.h"
#include "livegate/common/redis_keys.h"
#include "redis_time.h"

namespace livegate::chat {

namespace {

// PFADD takes any number of elements; chunks keep one command (and Redis's time on it) small.
constexpr size_t kPfaddChunk = 1000;

// KEYS: viewers hash, uniques HLL. ARGV: node id, count, ttl ms.
// Each field is "count:expires_ms" with the expiry on the Redis clock (now_ms, redis_time.h). A
// field that does not parse is dropped like an expired one. The hash itself expires with its
// longest-lived field, so a room that every node left uncleanly leaves no key behind; the HLL stays
// for the broadcast's statistics.
const RedisScript& report_script() {
  static const RedisScript script(std::string(kRedisNowMs) + R"LUA(
local now = now_ms()
local own = math.max(tonumber(ARGV[2]) or 0, 0)
local latest = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], string.format('%.0f:%.0f', own, latest))
local total = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local count, expires = string.match(fields[i + 1], '^(%d+):(%d+)$')
  count, expires = tonumber(count), tonumber(expires)
  if not expires or expires <= now then
    redis.call('HDEL', KEYS[1], fields[i])
  else
    total = total + count
    latest = math.max(latest, expires)
  end
end
redis.call('PEXPIRE', KEYS[1], latest - now)
return {total, redis.call('PFCOUNT', KEYS[2])}
)LUA");
  return script;
}

}  // namespace

Presence::Presence(RedisClient& commands, std::string node_id, PresenceLimits limits)
    : commands_(commands), node_id_(std::move(node_id)), limits_(limits) {}

void Presence::add_unique(const std::string& room, const std::vector<std::string>& viewer_keys) {
  for (size_t start = 0; start < viewer_keys.size(); start += kPfaddChunk) {
    const size_t end = std::min(viewer_keys.size(), start + kPfaddChunk);
    std::vector<std::string> argv{"PFADD", keys::uniques(room)};
    argv.insert(argv.end(), viewer_keys.begin() + static_cast<std::ptrdiff_t>(start),
                viewer_keys.begin() + static_cast<std::ptrdiff_t>(end));
    commands_.command(argv, [room](RedisReply reply, const std::string& error) {
      if (!error.empty() || reply.is_error()) {
        log("chat")->debug("room {}: presence uniques: {}", room,
                           error.empty() ? reply.string("unexpected reply") : error);
      }
    });
  }
}

void Presence::report(const std::string& room, int64_t local_count, ReportCallback cb) {
  const auto ttl_ms = std::chrono::duration_cast<std::chrono::milliseconds>(limits_.node_ttl);
  commands_.eval(report_script(), {keys::viewers(room), keys::uniques(room)},
                 {node_id_, std::to_string(std::max<int64_t>(local_count, 0)),
                  std::to_string(std::max<int64_t>(ttl_ms.count(), 1))},
                 [room, cb = std::move(cb)](RedisReply reply, const std::string& error) {
                   if (!error.empty()) {
                     log("chat")->debug("room {}: presence report: {}", room, error);
                     return cb({}, "unavailable");
                   }
                   if (reply.size() != 2) {
                     log("chat")->warn("room {}: presence report: {}", room,
                                       reply.string("unexpected reply"));
                     return cb({}, "unavailable");
                   }
                   PresenceCount count;
                   count.viewers = std::max<int64_t>(reply[0].integer(), 0);
                   count.unique = std::max<int64_t>(reply[1].integer(), 0);
                   cb(count, {});
                 });
}

void Presence::leave(const std::string& room, DoneCallback cb) {
  commands_.command({"HDEL", keys::viewers(room), node_id_},
                    [room, cb = std::move(cb)](RedisReply reply, const std::string& error) {
                      const bool failed = !error.empty() || reply.is_error();
                      if (failed) {
                        log("chat")->debug(
                            "room {}: presence leave: {}", room,
                            error.empty() ? reply.string("unexpected reply") : error);
                      }
                      if (cb) cb(failed ? "unavailable" : "");
                    });
}

}  // namespace livegate::chat
