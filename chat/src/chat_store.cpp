#include "livegate/chat/chat_store.h"

#include <chrono>
#include <cstdlib>

#include "livegate/common/redis_keys.h"

namespace livegate::chat {

namespace {

// KEYS: stream, events channel. ARGV: maxlen, user id, name, role, text, ts.
const RedisScript& append_script() {
  static const RedisScript script(R"LUA(
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
                      'uid', ARGV[2], 'name', ARGV[3], 'role', ARGV[4], 'text', ARGV[5], 'ts', ARGV[6])
redis.call('PUBLISH', KEYS[2], cjson.encode({type = 'chat', id = id, text = ARGV[5], ts = tonumber(ARGV[6]),
                                              user = {id = ARGV[2], name = ARGV[3], role = ARGV[4]}}))
return id
)LUA");
  return script;
}

std::string field(const redisReply* fields, std::string_view name) {
  for (size_t i = 0; i + 1 < fields->elements; i += 2) {
    if (reply_string(fields->element[i]) == name) return reply_string(fields->element[i + 1]);
  }
  return {};
}

}  // namespace

nlohmann::json chat_event_from_entry(const redisReply* entry) {
  if (!entry || entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) return nullptr;
  const redisReply* fields = entry->element[1];
  if (!fields || fields->type != REDIS_REPLY_ARRAY) return nullptr;
  std::string ts = field(fields, "ts");
  return {{"type", "chat"},
          {"id", reply_string(entry->element[0])},
          {"text", field(fields, "text")},
          {"ts", std::strtoll(ts.c_str(), nullptr, 10)},
          {"user", {{"id", field(fields, "uid")}, {"name", field(fields, "name")},
                    {"role", field(fields, "role")}}}};
}

ChatStore::ChatStore(RedisClient& commands, RedisClient& subscriber, ChatStoreLimits limits)
    : commands_(commands), subscriber_(subscriber), limits_(limits) {}

void ChatStore::append(const std::string& room, const ChatUser& user, const std::string& text,
                       AppendCallback cb) {
  const auto ts = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  commands_.eval(append_script(), {keys::chat(room), keys::events(room)},
                 {std::to_string(limits_.history_maxlen), user.id, user.name, user.role, text,
                  std::to_string(ts)},
                 [cb = std::move(cb)](const redisReply* reply, const std::string& error) {
                   if (!error.empty()) return cb({}, error);
                   if (reply_is_error(reply)) return cb({}, reply_string(reply, "append failed"));
                   cb(reply_string(reply), {});
                 });
}

void ChatStore::history(const std::string& room, const std::string& resume_from, size_t count,
                        HistoryCallback cb) {
  const bool resume = !resume_from.empty();
  std::vector<std::string> argv =
      resume ? std::vector<std::string>{"XRANGE", keys::chat(room), "(" + resume_from, "+", "COUNT",
                                        std::to_string(count)}
             : std::vector<std::string>{"XREVRANGE", keys::chat(room), "+", "-", "COUNT",
                                        std::to_string(count)};
  commands_.command(argv, [resume, cb = std::move(cb)](const redisReply* reply,
                                                       const std::string& error) {
    if (!error.empty()) return cb({}, error);
    if (!reply || reply->type != REDIS_REPLY_ARRAY) return cb({}, reply_string(reply, "bad reply"));
    std::vector<nlohmann::json> lines;
    lines.reserve(reply->elements);
    for (size_t i = 0; i < reply->elements; ++i) {
      // XREVRANGE answers newest first; the client wants oldest first.
      const redisReply* entry = reply->element[resume ? i : reply->elements - 1 - i];
      if (auto line = chat_event_from_entry(entry); !line.is_null()) lines.push_back(std::move(line));
    }
    cb(std::move(lines), {});
  });
}

void ChatStore::subscribe(const std::string& room, EventHandler handler) {
  subscriber_.subscribe(keys::events(room),
                        [handler = std::move(handler)](std::string_view, std::string_view message) {
                          handler(message);
                        });
}

void ChatStore::unsubscribe(const std::string& room) { subscriber_.unsubscribe(keys::events(room)); }

}  // namespace livegate::chat
