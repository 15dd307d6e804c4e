#pragma once
// Strict reading of a YAML tree into config structs (config.cpp's readers): unknown keys are
// errors, and scalars that came from JSON (an API body, through yaml_of) must have JSON's type.

#include <glib.h>
#include <yaml-cpp/yaml.h>

#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>

#include "livegate/server/config.h"

namespace livegate::server {

// Tags yaml_of() puts on scalars that came from JSON (the API's bodies), so a JSON number where
// a string belongs is refused as YAML's loose reading would not ("title": 12 is not "12").
inline constexpr const char* kJsonString = "tag:livegate,json:string";
inline constexpr const char* kJsonNumber = "tag:livegate,json:number";
inline constexpr const char* kJsonBoolean = "tag:livegate,json:boolean";

// For a scalar from JSON: why it does not fit T ("must be a string (got a number)"), or nullopt.
// Scalars from a YAML file have no such tag and are read as YAML reads them.
template <typename T>
std::optional<std::string> json_type_problem(const YAML::Node& v) {
  if (!v.IsScalar())
    return std::nullopt;  // lists and mappings fail in as<T>() with their own message
  const std::string& tag = v.Tag();
  const char* got = tag == kJsonString    ? "a string"
                    : tag == kJsonNumber  ? "a number"
                    : tag == kJsonBoolean ? "a boolean"
                                          : nullptr;
  if (!got) return std::nullopt;
  if constexpr (std::is_same_v<T, std::string>) {
    if (tag != kJsonString) return std::string("must be a string (got ") + got + ")";
  } else if constexpr (std::is_same_v<T, bool>) {
    if (tag != kJsonBoolean) return std::string("must be true or false (got ") + got + ")";
  } else if constexpr (std::is_arithmetic_v<T>) {
    if (tag != kJsonNumber) return std::string("must be a number (got ") + got + ")";
  }
  return std::nullopt;
}

// Walks a YAML mapping, reading known keys into fields and rejecting unknown ones, so a typo
// ("prot: 8080") is an error instead of a silently ignored setting.
class Section {
 public:
  Section(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {
    if (node_ && !node_.IsNull() && !node_.IsMap()) fail("", "must be a mapping");
  }
  ~Section() noexcept(false) {
    if (!std::uncaught_exceptions()) finish();
  }
  // Rejects keys nobody read. A function that returns a value while its Section lives calls this
  // before `return`: a throw from the destructor after the return value is built leaks that value
  // (clang, and GCC before 13, do not destroy it: found by the broadcast_body fuzz target).
  void finish() {
    if (finished_ || !node_ || !node_.IsMap()) return;
    finished_ = true;
    for (const auto& kv : node_) {
      // A key that is a list or mapping ("{[k]: 1}" in YAML's flow syntax) names no setting.
      if (!kv.first.IsScalar()) fail("", "has a key that is not a name");
      const std::string& key = kv.first.Scalar();
      if (!seen_.contains(key)) fail(key, "is not a known setting");
    }
  }

  template <typename T>
  void read(const char* key, T& out) {
    seen_.insert(key);
    if (!node_ || !node_.IsMap()) return;
    const YAML::Node& map = node_;  // const access never inserts the key
    YAML::Node v = map[key];
    if (!v || v.IsNull()) return;
    if (auto problem = json_type_problem<T>(v)) fail(key, *problem);
    try {
      out = v.as<T>();
    } catch (const YAML::Exception&) {
      fail(key, std::string("has a bad value '") + (v.IsScalar() ? v.Scalar() : "...") + "'");
    }
    if constexpr (std::is_same_v<T, std::string>) {
      // Titles, names and descriptions go out in JSON, which must be UTF-8: YAML passes any
      // bytes through, and one bad title made every answer listing the broadcast throw (found by
      // the broadcast_body fuzz target). The bytes are not quoted back: they are not text.
      if (!g_utf8_validate(out.data(), static_cast<gssize>(out.size()), nullptr)) {
        fail(key, "must be UTF-8 text");
      }
    }
  }

  template <typename T>
  void read_range(const char* key, T& out, T min, T max) {
    read(key, out);
    if (out < min || out > max) {
      std::ostringstream s;
      s << "must be between " << min << " and " << max << " (got " << out << ")";
      fail(key, s.str());
    }
  }

  YAML::Node child(const char* key) {
    seen_.insert(key);
    const YAML::Node& map = node_;
    return node_ && node_.IsMap() ? map[key] : YAML::Node();
  }
  std::string path(const std::string& key) const {
    if (path_.empty()) return key;
    return key.empty() ? path_ : path_ + "." + key;
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw ConfigError(path(key) + " " + what);
  }

 private:
  YAML::Node node_;
  std::string path_;
  std::set<std::string> seen_;
  bool finished_ = false;
};

// JSON as a YAML tree, for the config file's readers: every scalar as its text ("3499",
// "true") tagged with its JSON type (json_type_problem); null as YAML's null.
YAML::Node yaml_of(const nlohmann::json& j);

}  // namespace livegate::server
