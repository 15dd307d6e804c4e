// REST bodies of POST .../pins and POST .../deals (server/src/shop_bodies.cpp): any JSON object
// gives a request or a 400 message, never an exception (the handler would answer 500).

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "fuzz_input.h"
#include "livegate/server/http_server.h"
#include "livegate/server/shop_bodies.h"

using namespace livegate::server;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = nlohmann::json::parse(data, data + size, nullptr, false);
  if (!body.is_object()) return 0;  // the route answers 400 before these see it
  constexpr int64_t now = 1'800'000'000'000;
  auto pin = read_pin_body(body, now);
  if (auto* p = std::get_if<PinBody>(&pin); p && (p->media_ms > now + 60'000)) std::abort();
  if (auto* e = std::get_if<std::string>(&pin)) (void)json_error(400, *e);
  auto deal = read_deal_body(body);
  if (auto* e = std::get_if<std::string>(&deal)) (void)json_error(400, *e);
  if (auto* d = std::get_if<livegate::commerce::DealRequest>(&deal)) {
    if (d->per_buyer < -1 || d->duration_ms > 1'000'000'000 || d->starts_in_ms > 1'000'000'000) std::abort();
  }
  return 0;
}
