#include "livegate/commerce/order_record.h"

#include <charconv>
#include <cstdint>
#include <optional>

namespace livegate::commerce {

namespace {

std::optional<int64_t> plain_integer(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

bool is_integer_field(std::string_view name) {
  return name == "qty" || name == "ts" || name.ends_with("_cents");
}

nlohmann::json order_json(const OrderRecord& order) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = order.id;
  for (const auto& [name, value] : order.fields) {
    if (name == "id" || j.contains(name)) continue;
    if (is_integer_field(name)) {
      if (auto n = plain_integer(value)) {
        j[name] = *n;
        continue;
      }
    }
    j[name] = value;
  }
  return j;
}

}  // namespace livegate::commerce
