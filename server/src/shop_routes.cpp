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
    respond(json_response(ok_status, shape(std::move(r.value))));
  };
}

// The body as a JSON object, or a 400.
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
    if (p.is_object() && p.contains("price_cents") && p["price_cents"].is_number_integer() && cny_per_usd > 0) {
      p["price_cny_fen"] = commerce::usd_cents_to_cny_fen(p["price_cents"].get<int64_t>(), cny_per_usd);
    }
  }
  return products;
}

// Every shop route is about one broadcast that exists and sells: checked before its handler.
using ShopHandler = std::function<void(const std::string& id, const HttpRequest&, const RouteParams&, Respond)>;

RouteHandler for_a_sale(const ShopDeps& deps, ShopHandler handler) {
  return [&deps, handler = std::move(handler)](const HttpRequest& request, const RouteParams& params,
                                               Respond respond) {
    const std::string id(params["id"]);
    const Broadcast* b = deps.broadcasts.find(id);
    if (!b) return respond(json_error(404, "no broadcast with id '" + id + "'"));
    if (!b->config().has_shop()) {
      return respond(json_error(404, "broadcast '" + id + "' is a keynote: it has no shop"));
    }
    handler(id, request, params, std::move(respond));
  };
}

// for_a_sale, for the seller's calls: the seller token or a seller JWT for this broadcast.
RouteHandler for_its_seller(const ShopDeps& deps, ShopHandler handler) {
  return for_a_sale(deps, [&deps, handler = std::move(handler)](const std::string& id, const HttpRequest& request,
                                                               const RouteParams& params, Respond respond) {
    if (!authorize_seller(deps.config.auth, request, respond, id)) return;
    handler(id, request, params, std::move(respond));
  });
}

void view_products(const ShopDeps& deps, const std::string& id, Respond respond) {
  const double rate = deps.config.commerce.cny_per_usd;
  deps.catalog.view(id, answer(std::move(respond), 200, [rate](json v) {
    return json{{"products", with_cny(std::move(v["products"]), rate)}};
  }));
}

void list_product(const ShopDeps& deps, const std::string& id, const HttpRequest& request, Respond respond) {
  auto body = body_object(request, respond);
  if (!body) return;
  std::string error;
  auto product = commerce::product_from_json(*body, deps.config.commerce.max_qty_per_order, &error);
  if (!product) return respond(json_error(400, error));
  log("commerce")->info("broadcast {}: product {} listed", id, product->sku);
  const int64_t stock = product->initial_stock;
  const double rate = deps.config.commerce.cny_per_usd;
  deps.catalog.write(id, {{std::move(*product), stock}}, commerce::CatalogStore::Write::create,
                     answer(std::move(respond), 201, [rate](json v) { return with_cny(std::move(v), rate).at(0); }));
}

void import_products(const ShopDeps& deps, const std::string& id, const HttpRequest& request, Respond respond) {
  const int default_max = deps.config.commerce.max_qty_per_order;
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
  const double rate = deps.config.commerce.cny_per_usd;
  deps.catalog.write(id, writes, commerce::CatalogStore::Write::upsert, answer(std::move(respond), 200, [rate](json v) {
                       const size_t n = v.size();
                       return json{{"imported", n}, {"products", with_cny(std::move(v), rate)}};
                     }));
}

void replace_product(const ShopDeps& deps, const std::string& id, const std::string& sku,
                     const HttpRequest& request, Respond respond) {
  auto body = body_object(request, respond);
  if (!body) return;
  if (auto given = body->find("sku"); given != body->end() && !given->is_null() && *given != sku) {
    return respond(json_error(400, "the body's sku differs from the URL's"));
  }
  (*body)["sku"] = sku;
  std::string error;
  auto product = commerce::product_from_json(*body, deps.config.commerce.max_qty_per_order, &error);
  if (!product) return respond(json_error(400, error));
  std::optional<int64_t> stock;
  if (body->contains("stock") && !(*body)["stock"].is_null()) stock = product->initial_stock;
  log("commerce")->info("broadcast {}: product {} changed", id, sku);
  const double rate = deps.config.commerce.cny_per_usd;
  deps.catalog.write(id, {{std::move(*product), stock}}, commerce::CatalogStore::Write::replace,
                     answer(std::move(respond), 200, [rate](json v) { return with_cny(std::move(v), rate).at(0); }));
}

void pin(const ShopDeps& deps, const std::string& id, const HttpRequest& request, Respond respond) {
  auto body = body_object(request, respond);
  if (!body) return;
  auto pin = read_pin_body(*body, live_edge_media_ms());
  if (auto* error = std::get_if<std::string>(&pin)) return respond(json_error(400, *error));
  const auto& [sku, media_ms] = std::get<PinBody>(pin);
  log("commerce")->info("broadcast {}: pin {}", id, sku.empty() ? "cleared" : sku);
  deps.pins.pin(id, sku, media_ms, "seller", answer(std::move(respond), 200));
}

void start_deal(const ShopDeps& deps, const std::string& id, const HttpRequest& request, Respond respond) {
  auto body = body_object(request, respond);
  if (!body) return;
  auto deal = read_deal_body(*body);
  if (auto* error = std::get_if<std::string>(&deal)) return respond(json_error(400, *error));
  const auto& r = std::get<commerce::DealRequest>(deal);
  log("commerce")->info("broadcast {}: flash deal on {} at {} cents, {} units, {} s", id, r.sku, r.price_cents,
                        r.stock, r.duration_ms / 1000);
  deps.deals.create(id, r, answer(std::move(respond), 201));
}

void read_stats(const ShopDeps& deps, const std::string& id, Respond respond) {
  const auto viewers = deps.hub.viewers(id);
  deps.stats.read(id, answer(std::move(respond), 200, [viewers](json v) {
    v["viewers"] = viewers;
    return v;
  }));
}

}  // namespace

void add_shop_routes(Router& router, const ShopDeps& deps) {
  using P = const RouteParams&;
  using R = const HttpRequest&;
  const std::string b = "/api/broadcasts/{id}";
  router.add("GET", b + "/products", for_a_sale(deps, [&deps](const std::string& id, R, P, Respond respond) {
               view_products(deps, id, std::move(respond));
             }));
  router.add("POST", b + "/products", for_its_seller(deps, [&deps](const std::string& id, R request, P, Respond respond) {
               list_product(deps, id, request, std::move(respond));
             }));
  router.add("POST", b + "/products/import",
             for_its_seller(deps, [&deps](const std::string& id, R request, P, Respond respond) {
               import_products(deps, id, request, std::move(respond));
             }));
  router.add("PUT", b + "/products/{sku}",
             for_its_seller(deps, [&deps](const std::string& id, R request, P params, Respond respond) {
               replace_product(deps, id, std::string(params["sku"]), request, std::move(respond));
             }));
  router.add("DELETE", b + "/products/{sku}",
             for_its_seller(deps, [&deps](const std::string& id, R, P params, Respond respond) {
               log("commerce")->info("broadcast {}: product {} taken off sale", id, params["sku"]);
               deps.catalog.remove(id, std::string(params["sku"]), answer(std::move(respond), 200));
             }));
  router.add("GET", b + "/pins", for_a_sale(deps, [&deps](const std::string& id, R, P, Respond respond) {
               deps.pins.timeline(id, answer(std::move(respond), 200));
             }));
  router.add("POST", b + "/pins", for_its_seller(deps, [&deps](const std::string& id, R request, P, Respond respond) {
               pin(deps, id, request, std::move(respond));
             }));
  router.add("GET", b + "/deals", for_a_sale(deps, [&deps](const std::string& id, R, P, Respond respond) {
               deps.catalog.view(id, answer(std::move(respond), 200, [](json v) {
                 return json{{"deals", std::move(v["deals"])}, {"now", v["now"]}};
               }));
             }));
  router.add("POST", b + "/deals", for_its_seller(deps, [&deps](const std::string& id, R request, P, Respond respond) {
               start_deal(deps, id, request, std::move(respond));
             }));
  router.add("POST", b + "/deals/{deal}/end",
             for_its_seller(deps, [&deps](const std::string& id, R, P params, Respond respond) {
               if (!valid_deal_id(params["deal"])) return respond(json_error(404, "no such deal"));
               deps.deals.end(id, std::string(params["deal"]), answer(std::move(respond), 200));
             }));
  router.add("GET", b + "/stats", for_its_seller(deps, [&deps](const std::string& id, R, P, Respond respond) {
               read_stats(deps, id, std::move(respond));
             }));
}

}  // namespace livegate::server
