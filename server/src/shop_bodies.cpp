#include "livegate/server/shop_bodies.h"

#include <algorithm>

#include "livegate/common/json_fields.h"

namespace livegate::server {

using nlohmann::json;

std::variant<PinBody, std::string> read_pin_body(const json& body, int64_t now_ms) {
  JsonFields f(body);
  PinBody pin;
  pin.sku = f.string("sku").value_or("");
  const auto media_ms = f.integer("media_ms");
  if (!f.ok()) return f.error();
  if (f.has("sku") && pin.sku.empty()) return std::string("sku must be a sku or null (unpin)");
  // The studio may send the program date-time its preview shows; it must be near now.
  if (media_ms && (*media_ms < now_ms - 24 * 3600 * 1000LL || *media_ms > now_ms + 60'000)) {
    return std::string("media_ms must be a program date-time (Unix ms) within the last day");
  }
  pin.media_ms = media_ms.value_or(now_ms);
  return pin;
}

std::variant<commerce::DealRequest, std::string> read_deal_body(const json& body) {
  JsonFields f(body);
  commerce::DealRequest r;
  r.sku = f.string("sku").value_or("");
  const auto price = f.integer("price_cents");
  const auto stock = f.integer("stock");
  const auto per_buyer = f.integer("per_buyer");
  const auto duration = f.integer("duration_seconds");
  const auto starts_in = f.integer("starts_in_seconds");
  if (!f.ok()) return f.error();
  if (!price || !stock || !duration) return std::string("a deal needs sku, price_cents, stock and duration_seconds");
  r.price_cents = *price;
  r.stock = *stock;
  // Clamped before seconds become milliseconds (no overflow); validate_deal judges the ranges.
  r.per_buyer = static_cast<int>(std::clamp<int64_t>(per_buyer.value_or(1), -1, 100000));
  r.duration_ms = std::clamp<int64_t>(*duration, -1, 1'000'000) * 1000;
  r.starts_in_ms = std::clamp<int64_t>(starts_in.value_or(0), -1, 1'000'000) * 1000;
  return r;
}

}  // namespace livegate::server
