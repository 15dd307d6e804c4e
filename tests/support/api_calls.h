#pragma once
// Every REST call that takes a JSON body, with a body the server accepts, and the wrong values
// a careless or hostile client puts in its fields. The type-confusion sweep (integration) and the
// routes fuzz target walk the same list: each field of each body, with each wrong value, must
// get a 4xx with its name, never a 500 or a dead node.
//
// The bodies name the integration fixtures' broadcasts: "orchard" (a sale with the product
// honeycrisp-10lb) and, for POST /api/broadcasts, a new id.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace livegate::testing {

struct ApiCall {
  std::string method;
  std::string path;
  nlohmann::json body;  // accepted as it is
};

inline std::vector<ApiCall> api_calls_with_bodies() {
  using nlohmann::json;
  const json product = {{"sku", "fuji-5lb"},       {"title", "Fuji 5 lb"}, {"title_zh", "富士苹果"},
                        {"description", "Crisp"},  {"image", "/img/fuji.jpg"}, {"price_cents", 1299},
                        {"stock", 10},             {"max_per_order", 2},   {"per_buyer", 4}};
  json replaced = product;
  replaced["sku"] = "honeycrisp-10lb";
  return {
      {"POST", "/api/broadcasts",
       {{"id", "sweep-new"},
        {"title", "Sweep"},
        {"seller", "Test Orchard"},
        {"mode", "sale"},
        {"currency", "USD"},
        {"stream_key", "sweep-stream-key-0123"},
        {"source", {{"type", "none"}, {"width", 320}, {"height", 180}, {"fps", 15}, {"video_bitrate_kbps", 300}}},
        {"abr", json::array()},
        {"products", json::array({product})},
        {"description", "A sweep"}}},
      {"POST", "/api/broadcasts",
       {{"id", "sweep-talk"},
        {"title", "Talk"},
        {"mode", "keynote"},
        {"source", {{"type", "none"}}},
        {"starts_at", "2026-11-23T09:00:00-08:00"},
        {"speakers", json::array({{{"name", "Mia"}, {"role", "CEO"}, {"photo", "/img/mia.jpg"}}})},
        {"agenda", json::array({{{"minute", 0}, {"title", "Hello"}, {"speaker", "Mia"}}})}}},
      {"POST", "/api/broadcasts/orchard/tokens", {{"role", "moderator"}, {"name", "Mia"}, {"user", "m-sweep"}, {"ttl_seconds", 3600}}},
      {"POST", "/api/broadcasts/orchard/products", product},
      {"PUT", "/api/broadcasts/orchard/products/honeycrisp-10lb", replaced},
      {"POST", "/api/broadcasts/orchard/products/import", json::array({product})},
      {"POST", "/api/broadcasts/orchard/pins", {{"sku", "honeycrisp-10lb"}}},
      {"POST", "/api/broadcasts/orchard/deals",
       {{"sku", "honeycrisp-10lb"},
        {"price_cents", 999},
        {"stock", 3},
        {"per_buyer", 1},
        {"duration_seconds", 30},
        {"starts_in_seconds", 0}}},
  };
}

// Values of every JSON type, and the edge cases of each, for a field that wants another.
inline std::vector<nlohmann::json> wrong_values() {
  using nlohmann::json;
  return {nullptr,
          true,
          0,
          -1,
          1.5,
          1e300,
          json(18446744073709551615ull),
          "",
          "x",
          "Seller\u202Etset",
          std::string(3000, 'x'),
          json::array(),
          json::array({1, "a"}),
          json::object(),
          json{{"a", 1}}};
}

// Paths of the fields to try ("title", "source.fps", "products.0.price_cents"): the top level
// and one level into objects and the first item of lists.
inline std::vector<std::vector<std::string>> field_paths(const nlohmann::json& body) {
  std::vector<std::vector<std::string>> paths;
  auto add_object = [&paths](const nlohmann::json& object, std::vector<std::string> prefix) {
    for (const auto& [key, value] : object.items()) {
      auto p = prefix;
      p.push_back(key);
      paths.push_back(p);
    }
  };
  if (body.is_array() && !body.empty() && body[0].is_object()) add_object(body[0], {"0"});
  if (!body.is_object()) return paths;
  for (const auto& [key, value] : body.items()) {
    paths.push_back({key});
    if (value.is_object()) add_object(value, {key});
    if (value.is_array() && !value.empty() && value[0].is_object()) add_object(value[0], {key, "0"});
  }
  return paths;
}

// The body with the field at path set to value; unchanged when the path no longer leads
// anywhere (an earlier edit replaced an object on it).
inline nlohmann::json with_field(nlohmann::json body, const std::vector<std::string>& path, nlohmann::json value) {
  nlohmann::json* at = &body;
  for (size_t i = 0; i < path.size(); ++i) {
    const bool last = i + 1 == path.size();
    if (at->is_array()) {
      const size_t index = path[i] == "0" ? 0 : at->size();
      if (index >= at->size()) return body;
      if (last) {
        (*at)[index] = std::move(value);
        return body;
      }
      at = &(*at)[index];
    } else if (at->is_object()) {
      if (last) {
        (*at)[path[i]] = std::move(value);
        return body;
      }
      if (!at->contains(path[i])) return body;
      at = &(*at)[path[i]];
    } else {
      return body;
    }
  }
  return body;
}

inline std::string path_text(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : ".") + p;
  return out;
}

}  // namespace livegate::testing
