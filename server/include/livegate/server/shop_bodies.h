#pragma once
// The JSON bodies of the shop's write routes that have no domain parser of their own (pins,
// deals), read apart from the HTTP handlers: pure functions, unit-tested and fuzzed
// (tests/fuzz/shop_body_fuzz.cpp). Each returns the request or a message for a 400 answer.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "livegate/commerce/flash_deals.h"

namespace livegate::server {

// POST /api/broadcasts/{id}/pins: {"sku": "..." | null, "media_ms": optional Unix ms}.
struct PinBody {
  std::string sku;  // empty: unpin
  int64_t media_ms = 0;
};
// now_ms: the live edge; a given media_ms must lie within the last day (to a minute ahead).
std::variant<PinBody, std::string> read_pin_body(const nlohmann::json& body, int64_t now_ms);

// POST /api/broadcasts/{id}/deals: sku, price_cents, stock, duration_seconds, optional per_buyer
// and starts_in_seconds. Values are clamped into ranges whose products cannot overflow; the
// deal rules (price below the product's, durations) are checked by commerce::FlashDeals.
std::variant<commerce::DealRequest, std::string> read_deal_body(const nlohmann::json& body);

}  // namespace livegate::server
