#pragma once
// The shop's REST API (products, pins, deals, stats; README.md lists the routes). Reads are public except the
// dashboard; writes need the seller token. Every change goes through Redis scripts and reaches
// viewers on every node as a room event.
//   GET    /api/broadcasts/{id}/products
//   POST   /api/broadcasts/{id}/products           body: product JSON (+ "stock")   → 201
//   PUT    /api/broadcasts/{id}/products/{sku}     body: the whole product (+ optional "stock")
//   DELETE /api/broadcasts/{id}/products/{sku}
//   POST   /api/broadcasts/{id}/products/import    body: CSV (text/csv) or JSON list; all or nothing
//   GET    /api/broadcasts/{id}/pins               the pin timeline (shoppable replay)
//   POST   /api/broadcasts/{id}/pins               {"sku": "..." | null, "media_ms": optional}
//   GET    /api/broadcasts/{id}/deals
//   POST   /api/broadcasts/{id}/deals              {"sku","price_cents","stock","per_buyer",
//                                                   "duration_seconds","starts_in_seconds"} → 201
//   POST   /api/broadcasts/{id}/deals/{deal}/end
//   GET    /api/broadcasts/{id}/stats              the seller dashboard (seller token)

#include <string_view>
#include <vector>

#include "livegate/chat/hub.h"
#include "livegate/commerce/catalog_store.h"
#include "livegate/commerce/flash_deals.h"
#include "livegate/commerce/product_pins.h"
#include "livegate/commerce/shop_stats.h"
#include "livegate/server/broadcast/broadcast_registry.h"
#include "livegate/server/config.h"
#include "livegate/server/http_server.h"
#include "livegate/server/router.h"

namespace livegate::server {

struct ShopDeps {
  const BroadcastRegistry& broadcasts;
  commerce::CatalogStore& catalog;
  commerce::FlashDeals& deals;
  commerce::ProductPins& pins;
  commerce::ShopStats& stats;
  chat::Hub& hub;
  const Config& config;
};

// The routes above, on the router; deps must outlive it.
void add_shop_routes(Router& router, const ShopDeps& deps);

// The media time a pin made now belongs to: the program date-time of the live edge, which is
// this node's wall clock (segments are stamped with it, see streaming/broadcast_pipeline).
int64_t live_edge_media_ms();

// HTTP status for a shop problem.
int http_status(commerce::Problem p);

}  // namespace livegate::server
