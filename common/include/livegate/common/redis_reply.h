#pragma once
// A Redis reply as typed values: what chat/ and commerce/ read instead of hiredis' redisReply.
//
// A view, not a copy: it points into the reply hiredis owns, which lives only while the command's
// callback runs. Read what you need inside the callback (string() copies, str() does not); never
// keep a RedisReply, or a string_view from one, past it. Every accessor is total: a missing
// element or a type mismatch reads as nil / the fallback, never a crash, so a malformed reply can
// only be read as "not what I expected". Only common/src looks inside hiredis' structs.

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>

struct redisReply;

namespace livegate {

class RedisReply {
 public:
  RedisReply() = default;  // nil
  // reply may be null (reads as nil). hiredis' reader makes one from RESP bytes in tests.
  explicit RedisReply(const redisReply* reply) : r_(reply) {}

  bool is_nil() const;  // no reply, or Redis' nil
  bool is_error() const;
  bool is_integer() const;
  bool is_string() const;  // a bulk string or a status ("OK")
  bool is_array() const;

  // The text of a string or status, integers in decimal; otherwise the fallback (also for an
  // error reply: its text is error()).
  std::string string(std::string fallback = {}) const;
  // The bytes of a string or status, without copying; empty otherwise.
  std::string_view str() const;
  // An integer, or a bulk string starting with one (as std::stoll reads it); otherwise the
  // fallback.
  long long integer(long long fallback = 0) const;
  // The message of an error reply ("NOSCRIPT No matching script..."); empty otherwise.
  std::string_view error() const;
  bool error_starts_with(std::string_view prefix) const { return error().starts_with(prefix); }

  // Arrays: the element count and the elements; 0 and nil for anything else or out of range.
  size_t size() const;
  RedisReply operator[](size_t i) const;

  // The elements of an array, in order; nothing for anything else.
  class iterator;
  iterator begin() const;
  iterator end() const;

 private:
  const redisReply* r_ = nullptr;
};

class RedisReply::iterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = RedisReply;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = RedisReply;

  iterator() = default;
  iterator(RedisReply array, size_t i) : array_(array), i_(i) {}
  RedisReply operator*() const { return array_[i_]; }
  iterator& operator++() {
    ++i_;
    return *this;
  }
  iterator operator++(int) {
    iterator before = *this;
    ++i_;
    return before;
  }
  bool operator==(const iterator& other) const { return i_ == other.i_; }

 private:
  RedisReply array_;
  size_t i_ = 0;
};

inline RedisReply::iterator RedisReply::begin() const {
  return {*this, 0};
}
inline RedisReply::iterator RedisReply::end() const {
  return {*this, size()};
}

}  // namespace livegate
