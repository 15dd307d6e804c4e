#pragma once
// AMF0, the value encoding of RTMP commands (connect, createStream, publish, onStatus).
// Only what publishers send and we answer: numbers, booleans, strings, objects, ECMA arrays,
// strict arrays, null and undefined. Decoding is bounded: depth and sizes are checked, so a
// hostile peer gets an error, never a crash or a huge allocation.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace livegate::streaming::rtmp {

struct Amf0Value;
struct Amf0Member;
using Amf0Object = std::vector<Amf0Member>;  // keeps key order
using Amf0Array = std::vector<Amf0Value>;

struct Amf0Null {};
struct Amf0Undefined {};

struct Amf0Value {
  std::variant<double, bool, std::string, Amf0Object, Amf0Array, Amf0Null, Amf0Undefined> v;

  const std::string* string() const { return std::get_if<std::string>(&v); }
  const double* number() const { return std::get_if<double>(&v); }
  const Amf0Object* object() const { return std::get_if<Amf0Object>(&v); }
  // The member of an object by key, or nullptr.
  const Amf0Value* get(std::string_view key) const;
};

// A named struct, not std::pair<std::string, Amf0Value>: clang 14 with libstdc++ 12 rejects that
// pair of a type still being defined (its default-constructible check instantiates the
// variant's destructor, which needs the pair complete).
struct Amf0Member {
  std::string key;
  Amf0Value value;
};

inline Amf0Value amf_number(double d) { return {d}; }
inline Amf0Value amf_string(std::string s) { return {std::move(s)}; }
inline Amf0Value amf_bool(bool b) { return {b}; }
inline Amf0Value amf_null() { return {Amf0Null{}}; }
inline Amf0Value amf_object(Amf0Object o) { return {std::move(o)}; }

// Decodes all values in data; nullopt on malformed or truncated input.
std::optional<std::vector<Amf0Value>> amf0_decode_all(std::string_view data);
void amf0_encode(const Amf0Value& value, std::string& out);

}  // namespace livegate::streaming::rtmp
