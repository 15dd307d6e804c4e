#pragma once
// What a broadcast sells. A product's public fields and terms live in Redis (the seller edits
// them live, on any node); these are the types and the checks every way in shares: config file,
// import file and REST.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace livegate::commerce {

struct Product {
  std::string sku;          // [a-z0-9-_]{1,64}
  std::string title;        // English title
  std::string title_zh;     // Simplified Chinese title, may be empty
  std::string description;
  std::string image;        // URL: http(s) or a site path ("/assets/...")
  int64_t price_cents = 0;  // USD cents
  int64_t initial_stock = 0;
  int max_per_order = 10;
  int per_buyer = 0;        // units one buyer may buy over the whole broadcast; 0: no limit
};

// Public fields of a product as the viewer and the API see them (no stock: that is live data).
nlohmann::json product_json(const Product& p);

// Validates a product; returns a message naming the problem, or nullopt when it is fine.
std::optional<std::string> validate_product(const Product& p);

// A product from a JSON object (REST body, JSON import), validated. Fields not given take the
// defaults of Product, with max_per_order = default_max_per_order. On a problem returns nullopt
// and sets *error to a message naming the field.
std::optional<Product> product_from_json(const nlohmann::json& j, int default_max_per_order,
                                         std::string* error);

// Exchange rate for showing prices in CNY: fen per USD cent = rate. Rounded half up to fen.
int64_t usd_cents_to_cny_fen(int64_t cents, double cny_per_usd);

}  // namespace livegate::commerce
