#include "livegate/common/json_fields.h"

#include <cmath>
#include <limits>

namespace livegate {

using nlohmann::json;

std::string_view json_kind(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "a list";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    case json::value_t::binary: return "binary data";
    case json::value_t::discarded: return "not JSON";
  }
  return "an unknown value";
}

JsonFields::JsonFields(const json& value, std::string path, std::string_view what) : path_(std::move(path)) {
  if (value.is_object()) {
    object_ = &value;
  } else {
    error_ = path_.empty() ? std::string(what) + " must be a JSON object"
                           : path_ + " must be an object (got " + std::string(json_kind(value)) + ")";
  }
}

std::string JsonFields::path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool JsonFields::has(std::string_view key) const {
  if (!object_) return false;
  auto it = object_->find(key);
  return it != object_->end() && !it->is_null();
}

void JsonFields::fail(std::string_view key, std::string_view message) {
  if (!ok()) return;
  field_ = path(key);
  error_ = field_ + " " + std::string(message);
}

bool JsonFields::require(std::string_view key) {
  if (has(key)) return true;
  if (object_) fail(key, "is required");
  return false;
}

const json* JsonFields::typed(std::string_view key, bool (*is_kind)(const json&), std::string_view kind) {
  if (!ok() || !object_) return nullptr;
  auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) return nullptr;
  if (!is_kind(*it)) {
    fail(key, "must be " + std::string(kind) + " (got " + std::string(json_kind(*it)) + ")");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> JsonFields::string(std::string_view key) {
  const json* v = typed(key, [](const json& j) { return j.is_string(); }, "a string");
  if (!v) return std::nullopt;
  return v->get_ref<const std::string&>();
}

namespace {

// 12 and 12.0 are whole; 12.5, 1e300, NaN, booleans and strings are not. Floats are taken only
// below 2^53, where a double still holds every whole number exactly.
bool is_whole(const json& j) {
  if (j.is_number_unsigned()) return j.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (j.is_number_integer()) return true;
  if (!j.is_number_float()) return false;
  const double d = j.get<double>();
  return std::isfinite(d) && std::trunc(d) == d && std::abs(d) < 9007199254740992.0;
}

}  // namespace

std::optional<int64_t> JsonFields::integer(std::string_view key) {
  const json* v = typed(key, is_whole, "a whole number");
  if (!v) return std::nullopt;
  return v->is_number_float() ? static_cast<int64_t>(v->get<double>()) : v->get<int64_t>();
}

std::optional<int64_t> JsonFields::integer(std::string_view key, int64_t min, int64_t max) {
  auto v = integer(key);
  if (v && (*v < min || *v > max)) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " +
                  std::to_string(*v) + ")");
    return std::nullopt;
  }
  return v;
}

std::optional<double> JsonFields::number(std::string_view key) {
  const json* v = typed(key, [](const json& j) { return j.is_number(); }, "a number");
  if (!v) return std::nullopt;
  return v->get<double>();
}

std::optional<bool> JsonFields::boolean(std::string_view key) {
  const json* v = typed(key, [](const json& j) { return j.is_boolean(); }, "true or false");
  if (!v) return std::nullopt;
  return v->get<bool>();
}

std::optional<std::vector<std::string>> JsonFields::strings(std::string_view key) {
  const json* v = typed(key, [](const json& j) { return j.is_array(); }, "a list of strings");
  if (!v) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (!item.is_string()) {
      fail(std::string(key) + "[" + std::to_string(i) + "]",
           "must be a string (got " + std::string(json_kind(item)) + ")");
      return std::nullopt;
    }
    out.push_back(item.get_ref<const std::string&>());
  }
  return out;
}

const json* JsonFields::object(std::string_view key) {
  return typed(key, [](const json& j) { return j.is_object(); }, "an object");
}

const json* JsonFields::list(std::string_view key) {
  return typed(key, [](const json& j) { return j.is_array(); }, "a list");
}

}  // namespace livegate
