#pragma once
// What the rest of a node does as its broadcasts open, change state and end, in one place: the
// registry's one Listener, built by the composition root (app.cpp).
//   opening        the catalog is seeded in Redis (products never listed before; the seller's
//                  live edits and the tally stay); a failure refuses the broadcast
//   opened         the order desk opens the shop (sales); the chat room opens; order webhooks
//                  start watching it
//   state_changed  a "state" event to the room's viewers on this node
//   stream key     the SRT handshake's key set is refreshed (it runs on the SRT thread)
//   ended          a log line

#include <functional>

#include "livegate/chat/hub.h"
#include "livegate/commerce/catalog_store.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/commerce/order_webhooks.h"
#include "livegate/server/broadcast/broadcast_registry.h"

namespace livegate::server {

class BroadcastHooks final : public BroadcastRegistry::Listener {
 public:
  // webhooks: null when webhooks are off.
  BroadcastHooks(chat::Hub& hub, commerce::OrderDesk& orders, commerce::CatalogStore& catalog,
                 commerce::OrderWebhooks* webhooks)
      : hub_(hub), orders_(orders), catalog_(catalog), webhooks_(webhooks) {}

  // Bound once the SRT server exists (it is built after the config's broadcasts open).
  void on_stream_keys(std::function<void()> refresh) { refresh_keys_ = std::move(refresh); }

  void opening(const Broadcast& b, std::function<void(Result<void>)> ready) override;
  void opened(const Broadcast& b) override;
  void state_changed(const Broadcast& b) override;
  void stream_key_changed(const Broadcast& b) override;
  void ended(const Broadcast& b) override;

 private:
  chat::Hub& hub_;
  commerce::OrderDesk& orders_;
  commerce::CatalogStore& catalog_;
  commerce::OrderWebhooks* webhooks_;
  std::function<void()> refresh_keys_;
};

}  // namespace livegate::server
