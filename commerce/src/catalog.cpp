#include "livegate/commerce/catalog.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <glib.h>

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

namespace {

// Reads an optional field of the expected kind; false (with *error) when it has another kind.
bool read_string(const nlohmann::json& j, const char* name, std::string& out, std::string* error) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *error = std::string(name) + " must be a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

template <typename T>
bool read_integer(const nlohmann::json& j, const char* name, T& out, std::string* error) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return true;
  // 12.0 is 12; 12.5, "12" and true are not integers.
  const bool whole = it->is_number_integer() ||
                     (it->is_number_float() && std::isfinite(it->get<double>()) &&
                      std::trunc(it->get<double>()) == it->get<double>() &&
                      std::abs(it->get<double>()) < 1e15);
  if (!whole || it->is_boolean()) {
    *error = std::string(name) + " must be a whole number";
    return false;
  }
  const int64_t v = it->is_number_float() ? static_cast<int64_t>(it->get<double>()) : it->get<int64_t>();
  if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) {
    *error = std::string(name) + " is out of range";
    return false;
  }
  out = static_cast<T>(v);
  return true;
}

}  // namespace

std::optional<Product> product_from_json(const nlohmann::json& j, int default_max_per_order,
                                         std::string* error) {
  if (!j.is_object()) {
    *error = "a product must be a JSON object";
    return std::nullopt;
  }
  Product p;
  p.max_per_order = default_max_per_order;
  if (!read_string(j, "sku", p.sku, error) || !read_string(j, "title", p.title, error) ||
      !read_string(j, "title_zh", p.title_zh, error) ||
      !read_string(j, "description", p.description, error) ||
      !read_string(j, "image", p.image, error) ||
      !read_integer(j, "price_cents", p.price_cents, error) ||
      !read_integer(j, "stock", p.initial_stock, error) ||
      !read_integer(j, "max_per_order", p.max_per_order, error) ||
      !read_integer(j, "per_buyer", p.per_buyer, error)) {
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
