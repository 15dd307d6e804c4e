#include "livegate/chat/moderation.h"

#include "livegate/common/redis_keys.h"
#include "redis_time.h"

namespace livegate::chat {

namespace {

// A stream entry's fields as the chat event viewers know (same shape as ChatStore's lines).
constexpr const char* kLineFromEntry = R"LUA(
local function line_from_entry(e)
  local f = {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
  return {type = 'chat', id = e[1], text = f.text, ts = tonumber(f.ts),
          user = {id = f.uid, name = f.name, role = f.role}}
end
)LUA";

// KEYS: chat, modlog, settings, events. ARGV: id, by.
const RedisScript& delete_script() {
  static const RedisScript script(std::string(kLineFromEntry) + R"LUA(
if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return 'unknown_line' end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 1000, '*', 'deleted', ARGV[1], 'by', ARGV[2])
local pinned = redis.call('HGET', KEYS[3], 'pinned')
if pinned and cjson.decode(pinned).id == ARGV[1] then
  redis.call('HDEL', KEYS[3], 'pinned')
  redis.call('PUBLISH', KEYS[4], '{"type":"pinned_message","line":null}')
end
redis.call('PUBLISH', KEYS[4], cjson.encode({type = 'deleted', id = ARGV[1]}))
return 'ok'
)LUA");
  return script;
}

// KEYS: bans, events. ARGV: user, seconds.
const RedisScript& ban_script() {
  static const RedisScript script(std::string(kRedisNowMs) + R"LUA(
local seconds = tonumber(ARGV[2])
local until_ms = 0
if seconds > 0 then until_ms = now_ms() + seconds * 1000 end
redis.call('HSET', KEYS[1], ARGV[1], until_ms)
redis.call('PUBLISH', KEYS[2], cjson.encode({type = 'banned', user = ARGV[1], ['until'] = until_ms,
                                              seconds = seconds}))
return 'ok'
)LUA");
  return script;
}

// KEYS: bans, events. ARGV: user.
const RedisScript& unban_script() {
  static const RedisScript script(R"LUA(
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('PUBLISH', KEYS[2], cjson.encode({type = 'unbanned', user = ARGV[1]}))
return 'ok'
)LUA");
  return script;
}

// KEYS: settings, events. ARGV: seconds.
const RedisScript& slow_script() {
  static const RedisScript script(R"LUA(
local seconds = tonumber(ARGV[1])
if seconds > 0 then redis.call('HSET', KEYS[1], 'slow', seconds)
else redis.call('HDEL', KEYS[1], 'slow') end
redis.call('PUBLISH', KEYS[2], cjson.encode({type = 'slow', seconds = seconds}))
return 'ok'
)LUA");
  return script;
}

// KEYS: chat, settings, events. ARGV: id ('' unpins).
const RedisScript& pin_script() {
  static const RedisScript script(std::string(kLineFromEntry) + R"LUA(
if ARGV[1] == '' then
  redis.call('HDEL', KEYS[2], 'pinned')
  redis.call('PUBLISH', KEYS[3], '{"type":"pinned_message","line":null}')
  return 'ok'
end
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return 'unknown_line' end
local line = cjson.encode(line_from_entry(found[1]))
redis.call('HSET', KEYS[2], 'pinned', line)
redis.call('PUBLISH', KEYS[3], '{"type":"pinned_message","line":' .. line .. '}')
return 'ok'
)LUA");
  return script;
}

// KEYS: settings, bans. ARGV: user. Returns {slow, pinned or '', muted_until or -1, now}.
const RedisScript& rules_script() {
  static const RedisScript script(std::string(kRedisNowMs) + R"LUA(
local s = redis.call('HMGET', KEYS[1], 'slow', 'pinned')
local muted = redis.call('HGET', KEYS[2], ARGV[1])
return {tonumber(s[1] or '0'), s[2] or '', tonumber(muted or '-1'), now_ms()}
)LUA");
  return script;
}

RedisCallback finish(Moderation::Done done) {
  return [done = std::move(done)](RedisReply reply, const std::string& error) {
    if (!done) return;
    if (!error.empty() || reply.is_error()) return done("unavailable");
    std::string status = reply.string();
    done(status == "ok" ? std::string() : status);
  };
}

}  // namespace

Moderation::Moderation(RedisClient& commands) : commands_(commands) {}

void Moderation::delete_line(const std::string& room, const std::string& id, const std::string& by,
                             Done done) {
  commands_.eval(delete_script(),
                 {keys::chat(room), keys::modlog(room), keys::chat_settings(room), keys::events(room)},
                 {id, by}, finish(std::move(done)));
}

void Moderation::ban(const std::string& room, const std::string& user, int64_t seconds, Done done) {
  commands_.eval(ban_script(), {keys::bans(room), keys::events(room)}, {user, std::to_string(seconds)},
                 finish(std::move(done)));
}

void Moderation::unban(const std::string& room, const std::string& user, Done done) {
  commands_.eval(unban_script(), {keys::bans(room), keys::events(room)}, {user},
                 finish(std::move(done)));
}

void Moderation::set_slow(const std::string& room, int64_t seconds, Done done) {
  commands_.eval(slow_script(), {keys::chat_settings(room), keys::events(room)},
                 {std::to_string(seconds)}, finish(std::move(done)));
}

void Moderation::pin(const std::string& room, const std::string& id, Done done) {
  commands_.eval(pin_script(), {keys::chat(room), keys::chat_settings(room), keys::events(room)},
                 {id}, finish(std::move(done)));
}

void Moderation::rules(const std::string& room, const std::string& user, RulesCallback cb) {
  commands_.eval(rules_script(), {keys::chat_settings(room), keys::bans(room)}, {user},
                 [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                   if (!error.empty()) return cb({}, error);
                   if (reply.size() != 4) return cb({}, reply.string("bad rules reply"));
                   RoomRules r;
                   r.slow_seconds = reply[0].integer();
                   std::string pinned = reply[1].string();
                   if (!pinned.empty()) r.pinned = nlohmann::json::parse(pinned, nullptr, false);
                   if (r.pinned.is_discarded()) r.pinned = nullptr;
                   const long long muted_until = reply[2].integer(-1);
                   const long long now = reply[3].integer();
                   r.banned = muted_until == 0;
                   if (muted_until > now) r.muted_ms = muted_until - now;
                   cb(std::move(r), {});
                 });
}

}  // namespace livegate::chat
