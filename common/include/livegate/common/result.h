#pragma once
// The one way a fallible call says it failed: Result<T> holds either the value or an Error, a
// code a caller can branch on (and the HTTP layer maps to a status) plus a message that gains
// context on its way up ("broadcast b1: pipeline: no element x264enc").
//
// Shaped after std::expected (C++23: has_value, operator bool, value, error, operator*, ->) so
// the switch is a rename when the project moves past C++20. Debian 12 ships neither
// std::expected for C++20 nor tl::expected (libtl-expected-dev arrived after bookworm), hence
// these few lines.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace livegate {

enum class ErrorCode {
  invalid,      // the input is wrong: the caller can fix it (HTTP 400)
  not_found,    // what it names does not exist (404)
  conflict,     // it exists, or is in a state that forbids this (409)
  limit,        // a configured capacity is reached (HTTP 507: this node is full)
  unavailable,  // a dependency (Redis, a port, a GStreamer element) is not there now (503)
  internal,     // a bug or the system failed (500)
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;

  // The same error, its message prefixed with what the caller was doing: "what: message".
  Error context(std::string_view what) const& { return {code, std::string(what) + ": " + message}; }
  Error context(std::string_view what) && {
    message.insert(0, std::string(what) + ": ");
    return std::move(*this);
  }
};

// What an Error is returned as, so `return fail(...)` reads the same in every Result<T>.
struct Unexpected {
  Error error;
};
inline Unexpected fail(ErrorCode code, std::string message) {
  return {Error{code, std::move(message)}};
}
inline Unexpected fail(Error error) {
  return {std::move(error)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Unexpected e) : v_(std::in_place_index<1>, std::move(e.error)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected e) : error_(std::move(e.error)), failed_(true) {}

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  const Error& error() const& {
    assert(failed_);
    return error_;
  }
  Error&& error() && {
    assert(failed_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool failed_ = false;
};

// Short for the success of a Result<void>.
inline Result<void> ok() {
  return {};
}

}  // namespace livegate
