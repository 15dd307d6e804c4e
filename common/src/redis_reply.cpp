#include "livegate/common/redis_reply.h"

#include <hiredis/hiredis.h>

namespace livegate {

bool RedisReply::is_nil() const {
  return !r_ || r_->type == REDIS_REPLY_NIL;
}
bool RedisReply::is_error() const {
  return r_ && r_->type == REDIS_REPLY_ERROR;
}
bool RedisReply::is_integer() const {
  return r_ && r_->type == REDIS_REPLY_INTEGER;
}
bool RedisReply::is_string() const {
  return r_ && (r_->type == REDIS_REPLY_STRING || r_->type == REDIS_REPLY_STATUS);
}
bool RedisReply::is_array() const {
  return r_ && r_->type == REDIS_REPLY_ARRAY;
}

std::string RedisReply::string(std::string fallback) const {
  if (is_string()) return std::string(r_->str, r_->len);
  if (is_integer()) return std::to_string(r_->integer);
  return fallback;
}

std::string_view RedisReply::str() const {
  return is_string() ? std::string_view(r_->str, r_->len) : std::string_view();
}

long long RedisReply::integer(long long fallback) const {
  if (is_integer()) return r_->integer;
  if (r_ && r_->type == REDIS_REPLY_STRING) {
    try {
      return std::stoll(std::string(r_->str, r_->len));
    } catch (...) {  // not a number, or out of range
      return fallback;
    }
  }
  return fallback;
}

std::string_view RedisReply::error() const {
  return is_error() ? std::string_view(r_->str, r_->len) : std::string_view();
}

size_t RedisReply::size() const {
  return is_array() ? r_->elements : 0;
}

RedisReply RedisReply::operator[](size_t i) const {
  return RedisReply(i < size() ? r_->element[i] : nullptr);
}

}  // namespace livegate
