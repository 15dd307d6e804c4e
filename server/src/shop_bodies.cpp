#include "livegate/server/shop_bodies.h"

#include <algorithm>

namespace livegate::server {

using nlohmann::json;

namespace {

// Integer field: nullopt when absent or null; an error message when not a whole number.
std::variant<std::optional<int64_t>, std::string> optional_integer(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<int64_t>();
  // An unsigned above INT64_MAX is a whole number nlohmann keeps as uint64: not ours to take.
  if (!it->is_number_integer() || (it->is_number_unsigned() && it->get<uint64_t>() > INT64_MAX)) {
    return std::string(name) + " must be a whole number";
  }
  return std::optional<int64_t>(it->get<int64_t>());
}

}  // namespace

std::variant<PinBody, std::string> read_pin_body(const json& body, int64_t now_ms) {
  PinBody pin;
  if (auto it = body.find("sku"); it != body.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      return std::string("sku must be a sku or null (unpin)");
    }
    pin.sku = it->get<std::string>();
  }
  auto media = optional_integer(body, "media_ms");
  if (auto* e = std::get_if<std::string>(&media)) return *e;
  const auto media_ms = std::get<std::optional<int64_t>>(media);
  // The studio may send the program date-time its preview shows; it must be near now.
  if (media_ms && (*media_ms < now_ms - 24 * 3600 * 1000LL || *media_ms > now_ms + 60'000)) {
    return std::string("media_ms must be a program date-time (Unix ms) within the last day");
  }
  pin.media_ms = media_ms.value_or(now_ms);
  return pin;
}

std::variant<commerce::DealRequest, std::string> read_deal_body(const json& body) {
  std::optional<int64_t> fields[5];
  const char* names[5] = {"price_cents", "stock", "per_buyer", "duration_seconds", "starts_in_seconds"};
  for (int i = 0; i < 5; ++i) {
    auto v = optional_integer(body, names[i]);
    if (auto* e = std::get_if<std::string>(&v)) return *e;
    fields[i] = std::get<std::optional<int64_t>>(v);
  }
  const auto& [price, stock, per_buyer, duration, starts_in] = fields;
  commerce::DealRequest r;
  if (auto it = body.find("sku"); it != body.end() && it->is_string()) r.sku = it->get<std::string>();
  if (!price || !stock || !duration) {
    return std::string("a deal needs sku, price_cents, stock and duration_seconds");
  }
  r.price_cents = *price;
  r.stock = *stock;
  r.per_buyer = static_cast<int>(std::clamp<int64_t>(per_buyer.value_or(1), -1, 100000));
  r.duration_ms = std::clamp<int64_t>(*duration, -1, 1'000'000) * 1000;
  r.starts_in_ms = std::clamp<int64_t>(starts_in.value_or(0), -1, 1'000'000) * 1000;
  return r;
}

}  // namespace livegate::server
