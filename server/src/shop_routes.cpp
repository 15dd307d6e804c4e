#include "livegate/server/shop_routes.h"

#include <chrono>

#include "livegate/commerce/catalog_import.h"
#include "livegate/common/log.h"
#include "livegate/common/shop_ids.h"
#include "livegate/server/broadcast_admin.h"
#include "livegate/server/shop_bodies.h"

namespace livegate::server {

using commerce::Problem;
using commerce::ShopResult;
using nlohmann::json;

int http_status(Problem p) {
  switch (p) {
    case Problem::none: return 200;
    case Problem::invalid: return 400;
    case Problem::not_found: return 404;
    case Problem::conflict: return 409;
    case Problem::unavailable: return 503;
  }
  return 500;
}

int64_t live_edge_media_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// Answers a shop result; `shape` turns a good value into the response body.
commerce::ShopCallback answer(Respond respond, int ok_status,
                              std::function<json(json)> shape = [](json v) { return v; }) {
  return [respond = std::move(respond), ok_status, shape = std::move(shape)](ShopResult r) {
    if (!r.ok()) return respond(json_error(http_status(r.problem), r.message));
    respond(json_response(ok_status, shape(std::move(r.value)).dump()));
  };
}

std::optional<json> body_object(const HttpRequest& request, Respond& respond) {
  auto body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    respond(json_error(400, "the body must be a JSON object"));
    return std::nullopt;
  }
  return body;
}

// CNY for shoppers who pay in yuan: the price at the configured rate, in fen.
json with_cny(json products, double cny_per_usd) {
  for (auto& p : products) {
    if (p.contains("price_cents") && cny_per_usd > 0) {
      p["price_cny_fen"] = commerce::usd_cents_to_cny_fen(p["price_cents"].get<int64_t>(), cny_per_usd);
    }
  }
  return products;
}

void products_route(const ShopDeps& deps, const std::string& id, const HttpRequest& request,
                    const std::vector<std::string_view>& parts, Respond& respond) {
  const double rate = deps.config.commerce.cny_per_usd;
  const int default_max = deps.config.commerce.max_qty_per_order;
  if (parts.size() == 4 && request.method == "GET") {
    return deps.catalog.view(id, answer(std::move(respond), 200, [rate](json v) {
      return json{{"products", with_cny(std::move(v["products"]), rate)}};
    }));
  }
  if (!authorize_seller(deps.config.auth, request, respond, id)) return;
  using Write = commerce::CatalogStore::Write;
  if (parts.size() == 4 && request.method == "POST") {
    auto body = body_object(request, respond);
    if (!body) return;
    std::string error;
    auto product = commerce::product_from_json(*body, default_max, &error);
    if (!product) return respond(json_error(400, error));
    log("commerce")->info("broadcast {}: product {} listed", id, product->sku);
    const int64_t stock = product->initial_stock;
    return deps.catalog.write(id, {{std::move(*product), stock}}, Write::create,
                              answer(std::move(respond), 201, [rate](json v) {
                                return with_cny(std::move(v), rate).at(0);
                              }));
  }
  if (parts.size() == 5 && parts[4] == "import" && request.method == "POST") {
    const bool csv = request.content_type.starts_with("text/csv");
    auto imported = csv ? commerce::import_products_csv(request.body, default_max)
                        : commerce::import_products_json(request.body, default_max);
    if (!imported.error.empty()) return respond(json_error(400, imported.error));
    if (imported.products.empty()) return respond(json_error(400, "the file lists no products"));
    std::vector<commerce::CatalogStore::ProductWrite> writes;
    for (size_t i = 0; i < imported.products.size(); ++i) {
      auto& p = imported.products[i];
      const auto stock = imported.stock_given[i] ? std::optional<int64_t>(p.initial_stock) : std::nullopt;
      writes.push_back({std::move(p), stock});
    }
    log("commerce")->info("broadcast {}: importing {} products", id, writes.size());
    return deps.catalog.write(id, writes, Write::upsert, answer(std::move(respond), 200, [rate](json v) {
      const size_t n = v.size();
      return json{{"imported", n}, {"products", with_cny(std::move(v), rate)}};
    }));
  }
  if (parts.size() != 5) return respond(json_error(404, "no such API endpoint"));
  const std::string sku(parts[4]);
  if (request.method == "PUT") {
    auto body = body_object(request, respond);
    if (!body) return;
    if (body->contains("sku") && (*body)["sku"] != sku) {
      return respond(json_error(400, "the body's sku differs from the URL's"));
    }
    (*body)["sku"] = sku;
    std::string error;
    auto product = commerce::product_from_json(*body, default_max, &error);
    if (!product) return respond(json_error(400, error));
    std::optional<int64_t> stock;
    if (body->contains("stock") && !(*body)["stock"].is_null()) stock = product->initial_stock;
    log("commerce")->info("broadcast {}: product {} changed", id, sku);
    return deps.catalog.write(id, {{std::move(*product), stock}}, Write::replace,
                              answer(std::move(respond), 200, [rate](json v) {
                                return with_cny(std::move(v), rate).at(0);
                              }));
  }
  if (request.method == "DELETE") {
    log("commerce")->info("broadcast {}: product {} taken off sale", id, sku);
    return deps.catalog.remove(id, sku, answer(std::move(respond), 200));
  }
  respond(json_error(405, request.method + " is not allowed here"));
}

void pins_route(const ShopDeps& deps, const std::string& id, const HttpRequest& request, Respond& respond) {
  if (request.method == "GET") return deps.pins.timeline(id, answer(std::move(respond), 200));
  if (request.method != "POST") return respond(json_error(405, request.method + " is not allowed here"));
  if (!authorize_seller(deps.config.auth, request, respond, id)) return;
  auto body = body_object(request, respond);
  if (!body) return;
  auto pin = read_pin_body(*body, live_edge_media_ms());
  if (auto* error = std::get_if<std::string>(&pin)) return respond(json_error(400, *error));
  const auto& [sku, media_ms] = std::get<PinBody>(pin);
  log("commerce")->info("broadcast {}: pin {}", id, sku.empty() ? "cleared" : sku);
  deps.pins.pin(id, sku, media_ms, "seller", answer(std::move(respond), 200));
}

void deals_route(const ShopDeps& deps, const std::string& id, const HttpRequest& request,
                 const std::vector<std::string_view>& parts, Respond& respond) {
  if (parts.size() == 4 && request.method == "GET") {
    return deps.catalog.view(id, answer(std::move(respond), 200, [](json v) {
      return json{{"deals", std::move(v["deals"])}, {"now", v["now"]}};
    }));
  }
  if (request.method != "POST") return respond(json_error(405, request.method + " is not allowed here"));
  if (!authorize_seller(deps.config.auth, request, respond, id)) return;
  if (parts.size() == 6 && parts[5] == "end") {
    if (!valid_deal_id(parts[4])) return respond(json_error(404, "no such deal"));
    return deps.deals.end(id, std::string(parts[4]), answer(std::move(respond), 200));
  }
  if (parts.size() != 4) return respond(json_error(404, "no such API endpoint"));
  auto body = body_object(request, respond);
  if (!body) return;
  auto deal = read_deal_body(*body);
  if (auto* error = std::get_if<std::string>(&deal)) return respond(json_error(400, *error));
  const auto& r = std::get<commerce::DealRequest>(deal);
  log("commerce")->info("broadcast {}: flash deal on {} at {} cents, {} units, {} s", id, r.sku,
                        r.price_cents, r.stock, r.duration_ms / 1000);
  deps.deals.create(id, r, answer(std::move(respond), 201));
}

void stats_route(const ShopDeps& deps, const std::string& id, const HttpRequest& request, Respond& respond) {
  if (request.method != "GET") return respond(json_error(405, request.method + " is not allowed here"));
  if (!authorize_seller(deps.config.auth, request, respond, id)) return;
  const auto viewers = deps.hub.viewers(id);
  deps.stats.read(id, answer(std::move(respond), 200, [viewers](json v) {
    v["viewers"] = viewers;
    return v;
  }));
}

}  // namespace

bool route_shop_request(const ShopDeps& deps, const HttpRequest& request,
                        const std::vector<std::string_view>& parts, Respond& respond) {
  if (parts.size() < 4 || parts[0] != "api" || parts[1] != "broadcasts") return false;
  const std::string_view what = parts[3];
  if (what != "products" && what != "pins" && what != "deals" && what != "stats") return false;
  const std::string id(parts[2]);
  auto it = deps.broadcasts.find(id);
  if (it == deps.broadcasts.end()) {
    respond(json_error(404, "no broadcast with id '" + id + "'"));
    return true;
  }
  if (it->second.config.mode != "sale") {
    respond(json_error(404, "broadcast '" + id + "' is a keynote: it has no shop"));
    return true;
  }
  if (what == "products") {
    products_route(deps, id, request, parts, respond);
  } else if (parts.size() != 4 && what != "deals") {
    respond(json_error(404, "no such API endpoint"));
  } else if (what == "pins") {
    pins_route(deps, id, request, respond);
  } else if (what == "deals") {
    deals_route(deps, id, request, parts, respond);
  } else {
    stats_route(deps, id, request, respond);
  }
  return true;
}

}  // namespace livegate::server
