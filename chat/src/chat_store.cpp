#include "livegate/chat/chat_store.h"

#include <algorithm>
#include <cstdlib>

#include "livegate/common/redis_keys.h"
#include "redis_time.h"

namespace livegate::chat {

namespace {

// barred(bans, user, now): {'banned', 0} or {'muted', ms left} when the bans hash holds the user,
// else nil (an expired mute is removed on the way).
constexpr const char* kBarredLua = R"LUA(
local function barred(bans, user, now)
  local until_ms = redis.call('HGET', bans, user)
  if not until_ms then return nil end
  until_ms = tonumber(until_ms)
  if until_ms == 0 then return {'banned', 0} end
  if until_ms > now then return {'muted', until_ms - now} end
  redis.call('HDEL', bans, user)
  return nil
end
)LUA";

// KEYS: stream, events channel, bans, settings, the user's slow-mode mark.
// ARGV: maxlen, user id, name, role, text, staff (1/0).
// Returns {"ok", id} or {"banned"|"muted"|"slow_mode", wait_ms}. Time is Redis's own, so
// timeouts and slow mode mean the same on every node whatever its clock says.
const RedisScript& append_script() {
  static const RedisScript script(std::string(kRedisNowMs) + kBarredLua + R"LUA(
local now = now_ms()
if ARGV[6] ~= '1' then
  local refused = barred(KEYS[3], ARGV[2], now)
  if refused then return refused end
  local slow = tonumber(redis.call('HGET', KEYS[4], 'slow') or '0')
  if slow > 0 then
    local left = redis.call('PTTL', KEYS[5])
    if left > 0 then return {'slow_mode', left} end
    redis.call('SET', KEYS[5], '1', 'PX', slow * 1000)
  end
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
                      'uid', ARGV[2], 'name', ARGV[3], 'role', ARGV[4], 'text', ARGV[5], 'ts', now)
redis.call('PUBLISH', KEYS[2], cjson.encode({type = 'chat', id = id, text = ARGV[5], ts = now,
                                              user = {id = ARGV[2], name = ARGV[3], role = ARGV[4]}}))
return {'ok', id}
)LUA");
  return script;
}

// KEYS: stream, events channel, bans, the line's replayed mark.
// ARGV: maxlen, user id, name, role, text, staff (1/0), local id, ts.
// A held line from an outage: the ban and mute checks of append_script (slow mode was the
// node's to pace), the stream entry keeps the local id (field lid) so a node catching up by
// XRANGE can replace it too, and the replayed mark makes a second replay return the first id.
const RedisScript& replay_script() {
  static const RedisScript script(std::string(kRedisNowMs) + kBarredLua + R"LUA(
local done = redis.call('GET', KEYS[4])
if done then return {'ok', done} end
if ARGV[6] ~= '1' then
  local refused = barred(KEYS[3], ARGV[2], now_ms())
  if refused then return refused end
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'uid', ARGV[2], 'name', ARGV[3],
                      'role', ARGV[4], 'text', ARGV[5], 'ts', ARGV[8], 'lid', ARGV[7])
redis.call('SET', KEYS[4], id, 'PX', 600000)
redis.call('PUBLISH', KEYS[2], cjson.encode({type = 'chat', id = id, text = ARGV[5], ts = tonumber(ARGV[8]),
                                              replaces = ARGV[7],
                                              user = {id = ARGV[2], name = ARGV[3], role = ARGV[4]}}))
return {'ok', id}
)LUA");
  return script;
}

// KEYS: stream, modlog. ARGV: resume_from ('' = none), latest, max_missed.
// Returns {1, missed entries, deleted ids} when every line after resume_from is still in the
// stream and there are at most max_missed of them; else {0, latest entries newest first, {}}.
// "Still in the stream" is judged by the oldest entry: once trimming passed resume_from, lines
// may be gone, and a snapshot is the honest answer. So it is for a resume_from past the newest
// id the stream has given (a made-up id, or one from before the stream was wiped): resuming
// from it would hide every line until the stream caught up with it.
const RedisScript& history_script() {
  static const RedisScript script(R"LUA(
local function older(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end
if ARGV[1] ~= '' then
  local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
  -- The newest id the stream ever gave (a deleted last line keeps it), not its newest entry.
  local newest = nil
  if first[1] then
    local info = redis.call('XINFO', 'STREAM', KEYS[1])
    for i = 1, #info, 2 do
      if info[i] == 'last-generated-id' then newest = info[i + 1] end
    end
  end
  if first[1] and newest and not older(ARGV[1], first[1][1]) and not older(newest, ARGV[1]) then
    local max = tonumber(ARGV[3])
    local missed = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', max + 1)
    if #missed <= max then
      local deleted = {}
      for _, e in ipairs(redis.call('XRANGE', KEYS[2], '(' .. ARGV[1], '+', 'COUNT', 1000)) do
        deleted[#deleted + 1] = e[2][2]
      end
      return {1, missed, deleted}
    end
  end
end
return {0, redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', tonumber(ARGV[2])), {}}
)LUA");
  return script;
}

// A field's value, or "" when the entry has none by that name.
std::string text_of(const StreamEntry& entry, std::string_view name) {
  const std::string* value = entry.field(name);
  return value ? *value : std::string();
}

}  // namespace

nlohmann::json chat_event_from_entry(const StreamEntry& entry) {
  if (entry.fields.empty()) return nullptr;
  std::string ts = text_of(entry, "ts");
  nlohmann::json line = {{"type", "chat"},
                         {"id", entry.id},
                         {"text", text_of(entry, "text")},
                         {"ts", std::strtoll(ts.c_str(), nullptr, 10)},
                         {"user", {{"id", text_of(entry, "uid")}, {"name", text_of(entry, "name")},
                                   {"role", text_of(entry, "role")}}}};
  if (std::string lid = text_of(entry, "lid"); !lid.empty()) line["replaces"] = std::move(lid);
  return line;
}

namespace {

// The chat lines among stream entries, oldest first (XREVRANGE gives them newest first).
std::vector<nlohmann::json> chat_lines(RedisReply entries, bool newest_first) {
  std::vector<StreamEntry> read = stream_entries(entries);
  if (newest_first) std::reverse(read.begin(), read.end());
  std::vector<nlohmann::json> lines;
  lines.reserve(read.size());
  for (const StreamEntry& entry : read) {
    if (auto line = chat_event_from_entry(entry); !line.is_null()) lines.push_back(std::move(line));
  }
  return lines;
}

// Error replies of a Redis that is starting, busy or failing over: it will answer later.
bool is_transient(RedisReply reply) {
  for (std::string_view prefix : {"LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN"}) {
    if (reply.error_starts_with(prefix)) return true;
  }
  return false;
}

// {"ok", id} → id; {status, wait_ms} → refused; anything else → error.
AppendOutcome append_outcome(RedisReply reply, const std::string& error) {
  AppendOutcome out;
  if (!error.empty()) {
    out.error = error;
    out.unreachable = true;
  } else if (reply.size() < 2) {
    out.error = reply.string("append failed");
    out.unreachable = is_transient(reply);
  } else if (std::string status = reply[0].string(); status == "ok") {
    out.id = reply[1].string();
  } else {
    out.refused = status;
    out.wait_ms = reply[1].integer();
  }
  return out;
}

}  // namespace

ChatStore::ChatStore(RedisClient& commands, RedisClient& subscriber, ChatStoreLimits limits)
    : commands_(commands), subscriber_(subscriber), limits_(limits) {}

void ChatStore::append(const std::string& room, const ChatUser& user, const std::string& text,
                       AppendCallback cb) {
  commands_.eval(append_script(),
                 {keys::chat(room), keys::events(room), keys::bans(room), keys::chat_settings(room),
                  keys::slow_mark(room, user.id)},
                 {std::to_string(limits_.history_maxlen), user.id, user.name, user.role, text,
                  user.staff() ? "1" : "0"},
                 [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                   cb(append_outcome(reply, error));
                 });
}

void ChatStore::replay(const HeldLine& line, AppendCallback cb) {
  commands_.eval(replay_script(),
                 {keys::chat(line.room), keys::events(line.room), keys::bans(line.room),
                  keys::replayed(line.room, line.local_id)},
                 {std::to_string(limits_.history_maxlen), line.user.id, line.user.name, line.user.role,
                  line.text, line.user.staff() ? "1" : "0", line.local_id, std::to_string(line.ts)},
                 [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                   cb(append_outcome(reply, error));
                 });
}

void ChatStore::lines_after(const std::string& room, const std::string& after, size_t max,
                            HistoryCallback cb) {
  commands_.command({"XRANGE", keys::chat(room), "(" + after, "+", "COUNT", std::to_string(max)},
                    [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                      if (!error.empty()) return cb({}, error);
                      if (!reply.is_array()) return cb({}, reply.string("bad XRANGE reply"));
                      History h;
                      h.resumed = true;
                      h.lines = chat_lines(reply, false);
                      cb(std::move(h), {});
                    });
}

void ChatStore::history(const std::string& room, const HistoryRequest& request,
                        HistoryCallback cb) {
  commands_.eval(
      history_script(), {keys::chat(room), keys::modlog(room)},
      {request.resume_from, std::to_string(request.latest), std::to_string(request.max_missed)},
      [cb = std::move(cb)](RedisReply reply, const std::string& error) {
        if (!error.empty()) return cb({}, error);
        if (reply.size() < 3 || !reply[1].is_array() || !reply[2].is_array()) {
          return cb({}, reply.string("bad history reply"));
        }
        History h;
        h.resumed = reply[0].integer() == 1;
        // A snapshot comes newest first (XREVRANGE), missed lines oldest first (XRANGE).
        h.lines = chat_lines(reply[1], !h.resumed);
        for (RedisReply id : reply[2]) h.deleted.push_back(id.string());
        cb(std::move(h), {});
      });
}

void ChatStore::subscribe(const std::string& room, EventHandler handler,
                          std::function<void()> on_subscribed) {
  subscriber_.subscribe(
      keys::events(room),
      [handler = std::move(handler)](std::string_view, std::string_view message) { handler(message); },
      std::move(on_subscribed));
}

void ChatStore::unsubscribe(const std::string& room) { subscriber_.unsubscribe(keys::events(room)); }

}  // namespace livegate::chat
