#include "livegate/commerce/catalog.h"

#include <algorithm>

namespace livegate::commerce {

const Product* Catalog::find(std::string_view sku) const {
  auto it = std::find_if(products_.begin(), products_.end(),
                         [&](const Product& p) { return p.sku == sku; });
  return it == products_.end() ? nullptr : &*it;
}

nlohmann::json product_json(const Product& p) {
  return {{"sku", p.sku},
          {"title", p.title},
          {"title_zh", p.title_zh},
          {"description", p.description},
          {"image", p.image},
          {"price_cents", p.price_cents},
          {"max_per_order", p.max_per_order}};
}

std::optional<std::string> validate_product(const Product& p) {
  if (p.sku.empty() || p.sku.size() > 64 ||
      !std::all_of(p.sku.begin(), p.sku.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      })) {
    return "sku must be 1-64 characters of a-z, 0-9, '-' or '_'";
  }
  if (p.title.empty()) return "title is required";
  // A price above $1,000,000 is a typo in cents, not an apple box.
  if (p.price_cents <= 0 || p.price_cents > 100'000'000) {
    return "price_cents must be between 1 and 100000000";
  }
  if (p.initial_stock < 0 || p.initial_stock > 10'000'000) {
    return "stock must be between 0 and 10000000";
  }
  if (p.max_per_order < 1 || p.max_per_order > 1000) {
    return "max_per_order must be between 1 and 1000";
  }
  return std::nullopt;
}

}  // namespace livegate::commerce
