// A seller's product file as JSON (import, and the body of POST .../products/import): the same
// all-or-nothing contract as the CSV import.

#include <cstdlib>

#include "fuzz_input.h"
#include "livegate/commerce/catalog_import.h"

using namespace livegate::commerce;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = import_products_json(std::string(livegate::fuzz::as_text(data, size)), 10);
  if (!r.error.empty()) return 0;
  if (r.products.size() != r.stock_given.size() || r.products.size() > kMaxProducts) std::abort();
  for (const auto& p : r.products) {
    if (validate_product(p)) std::abort();
    (void)product_json(p).dump();  // the API's answer and the viewers' welcome frame; throws on bad UTF-8
  }
  return 0;
}
