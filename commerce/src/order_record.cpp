#include "livegate/commerce/order_record.h"

#include <charconv>
#include <cstdint>
#include <optional>

namespace livegate::commerce {

namespace {

std::string text_of(const redisReply* r) {
  if (r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)) {
    return std::string(r->str, r->len);
  }
  if (r && r->type == REDIS_REPLY_INTEGER) return std::to_string(r->integer);
  return {};
}

std::optional<int64_t> plain_integer(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

const std::string* OrderRecord::field(std::string_view name) const {
  for (const auto& [k, v] : fields) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::vector<OrderRecord> parse_order_entries(const redisReply* entries) {
  std::vector<OrderRecord> out;
  if (!entries || entries->type != REDIS_REPLY_ARRAY) return out;
  out.reserve(entries->elements);
  for (size_t i = 0; i < entries->elements; ++i) {
    const redisReply* entry = entries->element[i];
    if (!entry || entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) continue;
    OrderRecord order;
    order.id = text_of(entry->element[0]);
    if (order.id.empty()) continue;
    const redisReply* fields = entry->element[1];
    if (fields && fields->type == REDIS_REPLY_ARRAY) {
      for (size_t f = 0; f + 1 < fields->elements; f += 2) {
        order.fields.emplace_back(text_of(fields->element[f]), text_of(fields->element[f + 1]));
      }
    }
    out.push_back(std::move(order));
  }
  return out;
}

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
