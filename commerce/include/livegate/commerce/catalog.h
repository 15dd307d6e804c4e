#pragma once
// What a broadcast sells. The catalog is the server's truth for prices and limits; Redis holds
// the live stock and the tally.

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
  std::string image;        // URL
  int64_t price_cents = 0;  // USD cents
  int64_t initial_stock = 0;
  int max_per_order = 10;
};

class Catalog {
 public:
  Catalog() = default;
  explicit Catalog(std::vector<Product> products) : products_(std::move(products)) {}

  const Product* find(std::string_view sku) const;
  const std::vector<Product>& products() const { return products_; }

 private:
  std::vector<Product> products_;
};

// Public fields of a product as the viewer and the API see them (no stock: that is live data).
nlohmann::json product_json(const Product& p);

// Validates a product; returns a message naming the problem, or nullopt when it is fine.
std::optional<std::string> validate_product(const Product& p);

}  // namespace livegate::commerce
