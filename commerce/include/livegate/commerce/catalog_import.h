#pragma once
// Product lists from files a seller prepares: JSON (an array of product objects, or
// {"products": [...]}) or CSV with a header row naming the columns (sku, title, title_zh,
// description, image, price_cents, stock, max_per_order, per_buyer; unknown columns are an
// error so a typo is not silently dropped). All or nothing: one bad row rejects the file,
// and the error names the row and the field.

#include <optional>
#include <string>
#include <vector>

#include "livegate/commerce/catalog.h"

namespace livegate::commerce {

struct ImportResult {
  std::vector<Product> products;
  // Per product: whether the file gave its stock (an import leaves an unnamed stock as it is).
  std::vector<bool> stock_given;
  std::string error;  // empty when the whole file was good
};

ImportResult import_products_json(const std::string& text, int default_max_per_order);
ImportResult import_products_csv(const std::string& text, int default_max_per_order);
// By the file's extension (.json or .csv); other extensions are an error.
ImportResult import_products_file(const std::string& path, int default_max_per_order);

// At most this many products per broadcast from any source.
constexpr size_t kMaxProducts = 1000;

}  // namespace livegate::commerce
