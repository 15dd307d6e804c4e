#pragma once
// The Lua scripts behind QaBoard, one per operation, each atomic in Redis. They answer
// {code} or {code, json}: code "ok" or one of QaBoard's error codes, json a question (or the
// question_deleted event). Status strings rather than error replies, because Redis 7 rewrites
// error replies from scripts ("ERR ...") and counts them in its error statistics.

#include "livegate/common/redis_client.h"

namespace livegate::chat::qa_scripts {

// KEYS: qa, qa:rank, qa:seq, events. ARGV: max_questions, user id, name, role, text.
const RedisScript& ask();
// KEYS: qa, qa:rank, qa:voters:<qid>, events. ARGV: question id, user id.
const RedisScript& vote();
// KEYS: qa, qa:rank, qa:voters:<qid>, events. ARGV: question id.
const RedisScript& answer();
// KEYS: qa, qa:rank, qa:voters:<qid>, events. ARGV: question id.
const RedisScript& remove();
// KEYS: qa, qa:rank. ARGV: count. Answers a list of question JSON strings, best first.
const RedisScript& top();

}  // namespace livegate::chat::qa_scripts
