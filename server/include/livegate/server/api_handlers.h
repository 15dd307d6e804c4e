#pragma once
// REST handlers for /api/... and /healthz. JSON in, JSON out, errors as {"error": "..."}.

#include "livegate/chat/hub.h"
#include "livegate/commerce/catalog_store.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/common/redis_client.h"
#include "livegate/server/broadcast/broadcast_registry.h"
#include "livegate/server/http_server.h"

namespace livegate::server {

struct ApiDeps {
  const BroadcastRegistry& broadcasts;
  commerce::OrderDesk& orders;
  commerce::CatalogStore& catalog;
  chat::Hub& hub;
  RedisClient& redis;
};

void handle_healthz(const ApiDeps& deps, Respond respond);
void handle_list_broadcasts(const ApiDeps& deps, Respond respond);
void handle_get_broadcast(const ApiDeps& deps, const std::string& id, Respond respond);

}  // namespace livegate::server
