#pragma once
// Typed, checked reads of a JSON object's fields: request bodies, WebSocket messages, items of
// a list. nlohmann's own accessors throw when a field has another type (body.value("role", "x")
// on {"role": 1} is type_error.302); these never throw. A read that finds the wrong type
// records an error naming the field, the type it must have and the type it has, and returns
// nullopt; so does every read after the first error, so a handler reads all it needs and checks
// ok() once:
//
//   JsonFields body(json);                      // not an object: "the body must be a JSON object"
//   auto role = body.string("role").value_or("viewer");
//   auto ttl = body.integer("ttl_seconds");
//   if (!body.ok()) return respond(json_error(400, body.error()));  // "role must be a string (got a number)"
//
// An absent field and a null one read as nullopt without an error: optional is the default,
// and require() makes a field mandatory.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace livegate {

// "a string", "an integer", "a number", "a boolean", "an object", "a list", "null".
std::string_view json_kind(const nlohmann::json& value);

class JsonFields {
 public:
  // path: where this object sits, for messages about nested ones ("products[2]"); what: the
  // noun for an error when `value` is not an object ("the body", "a product").
  explicit JsonFields(const nlohmann::json& value, std::string path = {}, std::string_view what = "the body");

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& field() const { return field_; }  // the field the error is about ("" for the whole)

  // Present and not null.
  bool has(std::string_view key) const;

  std::optional<std::string> string(std::string_view key);
  // A whole number within int64 (12.0 is 12; 12.5, "12" and true are not).
  std::optional<int64_t> integer(std::string_view key);
  // integer() that must lie in [min, max].
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max);
  std::optional<double> number(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::vector<std::string>> strings(std::string_view key);
  // A nested object or list, to read with a JsonFields of its own (path(key) names it).
  const nlohmann::json* object(std::string_view key);
  const nlohmann::json* list(std::string_view key);

  // Records "<key> is required" when the field is absent or null. Returns has(key).
  bool require(std::string_view key);
  // Records a check of the caller's about one field: fail("ttl_seconds", "must be at least 60").
  // The first error wins.
  void fail(std::string_view key, std::string_view message);

  std::string path(std::string_view key) const;

 private:
  // The field when present, not null and of the wanted kind; records the error otherwise.
  const nlohmann::json* typed(std::string_view key, bool (*is_kind)(const nlohmann::json&), std::string_view kind);

  const nlohmann::json* object_ = nullptr;  // null when the value is not an object
  std::string path_;
  std::string error_;
  std::string field_;
};

}  // namespace livegate
