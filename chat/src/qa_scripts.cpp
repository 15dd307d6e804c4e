#include "qa_scripts.h"

#include <string>

#include "redis_time.h"

namespace livegate::chat::qa_scripts {

namespace {

// Shared by the scripts that change a question.
//
// The rank score packs the whole ordering into one integer below 2^53 (exact in a double, so
// Redis and Lua keep every bit), and ZREVRANGE (highest first) reads the board in order:
//
//   bit 51       open (1) / answered (0)   -> every open question above every answered one
//   bits 24..50  votes (capped at 2^27-1)  -> more votes first
//   bits 0..23   2^24-1 - seq              -> equal votes: the older (smaller seq) first
//
// seq is the number in "q<n>"; asks past 2^24-1 per room are refused ("qa_full"), so the age
// field never overflows into the votes. Ties break by the counter, not by the timestamp: two
// questions asked in the same millisecond still have a strict order.
// The score goes to ZADD as a string made with %.0f, never through Lua's own number-to-string
// (14 significant digits), so all 16 digits survive.
const char* const kPrelude = R"LUA(
local SEQ_LIMIT = 16777216          -- 2^24
local VOTES_LIMIT = 134217728       -- 2^27
local OPEN_BIT = 2251799813685248   -- 2^51
local function rank_score(q)
  local seq = tonumber(string.sub(q.id, 2))
  local s = math.min(q.votes, VOTES_LIMIT - 1) * SEQ_LIMIT + (SEQ_LIMIT - 1 - seq)
  if not q.answered then s = s + OPEN_BIT end
  return string.format('%.0f', s)
end
local function save(q)
  local json = cjson.encode(q)
  redis.call('HSET', KEYS[1], q.id, json)
  redis.call('ZADD', KEYS[2], rank_score(q), q.id)
  return json
end
)LUA";

std::string with_prelude(const char* body) {
  return std::string(kRedisNowMs) + kPrelude + body;
}

}  // namespace

const RedisScript& ask() {
  // The time comes from Redis (now_ms, redis_time.h) so questions asked on different nodes carry
  // timestamps from one clock.
  static const RedisScript script(with_prelude(R"LUA(
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[1]) then return {'qa_full'} end
local seq = redis.call('INCR', KEYS[3])
if seq >= SEQ_LIMIT then return {'qa_full'} end
local q = {type = 'question', id = 'q' .. seq, text = ARGV[5],
           user = {id = ARGV[2], name = ARGV[3], role = ARGV[4]},
           ts = now_ms(), votes = 0, answered = false}
local json = save(q)
redis.call('PUBLISH', KEYS[4], json)
return {'ok', json}
)LUA"));
  return script;
}

const RedisScript& vote() {
  // votes is the voter set's size, not a counter bumped here, so it can never drift from who
  // actually voted.
  static const RedisScript script(with_prelude(R"LUA(
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return {'unknown_question'} end
local q = cjson.decode(json)
if q.answered then return {'answered', json} end
if redis.call('SADD', KEYS[3], ARGV[2]) == 0 then return {'already_voted', json} end
q.votes = redis.call('SCARD', KEYS[3])
json = save(q)
redis.call('PUBLISH', KEYS[4], json)
return {'ok', json}
)LUA"));
  return script;
}

const RedisScript& answer() {
  // Answered questions take no votes, so their voter set goes; the count stays in the JSON.
  static const RedisScript script(with_prelude(R"LUA(
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return {'unknown_question'} end
local q = cjson.decode(json)
if q.answered then return {'ok', json} end
q.answered = true
json = save(q)
redis.call('DEL', KEYS[3])
redis.call('PUBLISH', KEYS[4], json)
return {'ok', json}
)LUA"));
  return script;
}

const RedisScript& remove() {
  static const RedisScript script(R"LUA(
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return {'unknown_question'} end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
local json = cjson.encode({type = 'question_deleted', id = ARGV[1]})
redis.call('PUBLISH', KEYS[4], json)
return {'ok', json}
)LUA");
  return script;
}

const RedisScript& top() {
  // A script rather than ZREVRANGE + HMGET so a removal can't fall between the two reads.
  static const RedisScript script(R"LUA(
local n = tonumber(ARGV[1])
if n <= 0 then return {} end
local out = {}
for _, id in ipairs(redis.call('ZREVRANGE', KEYS[2], 0, n - 1)) do
  local json = redis.call('HGET', KEYS[1], id)
  if json then out[#out + 1] = json end
end
return out
)LUA");
  return script;
}

}  // namespace livegate::chat::qa_scripts
