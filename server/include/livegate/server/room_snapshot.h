#pragma once
// The room part of a viewer's welcome (broadcast, products with the live tally, the pinned
// product, flash deals, the server clock) and the shop's WebSocket actions (buy, tap, pin).
// Bound into the hub's handlers by the composition root, so chat never reads commerce's data
// itself.

#include "livegate/chat/hub.h"
#include "livegate/commerce/catalog_store.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/commerce/product_pins.h"
#include "livegate/commerce/shop_stats.h"
#include "livegate/server/broadcast/broadcast_registry.h"
#include "livegate/server/config.h"

namespace livegate::server {

void build_room_snapshot(const BroadcastRegistry& broadcasts, commerce::CatalogStore& catalog, double cny_per_usd,
                         const std::string& room, chat::HubHandlers::SnapshotReply reply);

// Turns a buy from the hub into an order through the desk and answers with the frame for the
// buyer: an "order" frame, or an "error" frame (with the key) for bad input and outages.
void place_order(commerce::OrderDesk& orders, const std::string& room, const chat::ChatUser& user,
                 const chat::Buy& buy, chat::HubHandlers::FrameReply reply);

// Staff pinned a product over the WebSocket: stamped with the live edge's media time.
void pin_product(commerce::ProductPins& pins, const std::string& room, const chat::ChatUser& user,
                 const std::string& sku, chat::HubHandlers::FrameReply reply);

// The hub's handlers for this node: welcome snapshots, buys, taps and pins go to the shop;
// hello tokens are checked against auth.jwt_secret. Everything deps names must outlive the hub.
struct RoomDeps {
  const BroadcastRegistry& broadcasts;
  commerce::CatalogStore& catalog;
  commerce::OrderDesk& orders;
  commerce::ShopStats& stats;
  commerce::ProductPins& pins;
  const Config& config;
};
chat::HubHandlers room_handlers(const RoomDeps& deps);

}  // namespace livegate::server
