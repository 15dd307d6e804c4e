#pragma once
// The shapes of shop identifiers, one definition for every way they come in (WebSocket frames,
// REST paths and bodies, config and import files).

#include <algorithm>
#include <string_view>

namespace livegate {

// A product's sku: 1-64 of a-z, 0-9, '-' and '_'.
inline bool valid_sku(std::string_view sku) {
  return !sku.empty() && sku.size() <= 64 && std::all_of(sku.begin(), sku.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

// A flash deal's id as the deal script makes them: "d" and a counter.
inline bool valid_deal_id(std::string_view id) {
  return id.size() >= 2 && id.size() <= 20 && id[0] == 'd' &&
         std::all_of(id.begin() + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace livegate
