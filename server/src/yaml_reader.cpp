#include "yaml_reader.h"

namespace livegate::server {

YAML::Node yaml_of(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      YAML::Node map(YAML::NodeType::Map);
      for (const auto& [key, value] : j.items()) map[key] = yaml_of(value);
      return map;
    }
    case nlohmann::json::value_t::array: {
      YAML::Node list(YAML::NodeType::Sequence);
      for (const auto& value : j) list.push_back(yaml_of(value));
      return list;
    }
    case nlohmann::json::value_t::null:
      return YAML::Node(YAML::NodeType::Null);
    default: {
      YAML::Node scalar(j.is_string() ? j.get<std::string>() : j.dump());
      scalar.SetTag(j.is_string() ? kJsonString : j.is_boolean() ? kJsonBoolean : kJsonNumber);
      return scalar;
    }
  }
}

}  // namespace livegate::server
