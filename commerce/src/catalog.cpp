#include "livegate/commerce/catalog.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <glib.h>

#include "livegate/common/json_fields.h"
#include "livegate/common/shop_ids.h"
#include "livegate/common/web_url.h"

namespace livegate::commerce {

nlohmann::json product_json(const Product& p) {
  return {{"sku", p.sku},
          {"title", p.title},
          {"title_zh", p.title_zh},
          {"description", p.description},
          {"image", p.image},
          {"price_cents", p.price_cents},
          {"max_per_order", p.max_per_order},
          {"per_buyer", p.per_buyer}};
}

std::optional<std::string> validate_product(const Product& p) {
  if (!valid_sku(p.sku)) return "sku must be 1-64 characters of a-z, 0-9, '-' or '_'";
  if (p.title.empty() || p.title.size() > 200) return "title is required, up to 200 bytes";
  // Text reaches every viewer inside JSON, which must be UTF-8: a spreadsheet saved as
  // Windows-1252 ("Caf\xE9") is refused here rather than breaking each answer that lists it.
  for (const std::string* text : {&p.title, &p.title_zh, &p.description, &p.image}) {
    if (!g_utf8_validate(text->data(), static_cast<gssize>(text->size()), nullptr)) {
      return "title, title_zh, description and image must be UTF-8 text";
    }
  }
  if (p.title_zh.size() > 200) return "title_zh must be up to 200 bytes";
  if (p.description.size() > 2000) return "description must be up to 2000 bytes";
  if (!valid_image_url(p.image)) return "image must be an http(s) URL or a path starting with /";
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
  if (p.per_buyer < 0 || p.per_buyer > 100000) return "per_buyer must be between 0 and 100000";
  return std::nullopt;
}

std::optional<Product> product_from_json(const nlohmann::json& j, int default_max_per_order,
                                         std::string* error) {
  JsonFields f(j, {}, "a product");
  Product p;
  p.max_per_order = default_max_per_order;
  p.sku = f.string("sku").value_or("");
  p.title = f.string("title").value_or("");
  p.title_zh = f.string("title_zh").value_or("");
  p.description = f.string("description").value_or("");
  p.image = f.string("image").value_or("");
  // Ranges are validate_product's; here only what fits the fields.
  p.price_cents = f.integer("price_cents").value_or(0);
  p.initial_stock = f.integer("stock").value_or(0);
  constexpr int64_t kIntMin = std::numeric_limits<int>::min(), kIntMax = std::numeric_limits<int>::max();
  p.max_per_order = static_cast<int>(f.integer("max_per_order", kIntMin, kIntMax).value_or(p.max_per_order));
  p.per_buyer = static_cast<int>(f.integer("per_buyer", kIntMin, kIntMax).value_or(0));
  if (!f.ok()) {
    *error = f.error();
    return std::nullopt;
  }
  if (auto problem = validate_product(p)) {
    *error = *problem;
    return std::nullopt;
  }
  return p;
}

int64_t usd_cents_to_cny_fen(int64_t cents, double cny_per_usd) {
  return static_cast<int64_t>(std::llround(static_cast<double>(cents) * cny_per_usd));
}

}  // namespace livegate::commerce
