// REST bodies of POST/PUT /api/broadcasts/{id}/products: any JSON object through
// product_from_json; a product it accepts must be valid and must render back to JSON.

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "fuzz_input.h"
#include "livegate/commerce/catalog.h"

using namespace livegate::commerce;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = nlohmann::json::parse(data, data + size, nullptr, false);
  if (!body.is_object()) return 0;  // the route answers 400 before the parser sees it
  std::string error;
  auto product = product_from_json(body, 10, &error);
  if (!product) return 0;
  if (validate_product(*product)) std::abort();  // accepted but invalid
  (void)product_json(*product).dump();
  return 0;
}
