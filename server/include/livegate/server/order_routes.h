#pragma once
// The seller's view of orders (Bearer seller token, checked by the router):
//   GET /api/broadcasts/{id}/orders?after=<stream id>&limit=<1..500, default 100>
//       → {"orders":[{"id":...,fields...}],"next":"<id>"|null}, oldest first; pass next as
//         after for the following page (null: no more orders for now)
//   GET /api/broadcasts/{id}/orders.csv[?after=<stream id>]
//       → text/csv, at most commerce.csv_max_orders rows; past that "x-truncated: true" and
//         "x-next-after: <id>" say where to continue

#include <cstddef>
#include <string>

#include "livegate/common/redis_client.h"
#include "livegate/server/broadcast/broadcast_registry.h"
#include "livegate/server/http_server.h"

namespace livegate::server {

struct OrderApiDeps {
  const BroadcastRegistry& broadcasts;
  RedisClient& redis;
  size_t csv_max_orders;
};

void handle_list_orders(const OrderApiDeps& deps, const std::string& id, const HttpRequest& request,
                        Respond respond);
void handle_orders_csv(const OrderApiDeps& deps, const std::string& id, const HttpRequest& request,
                       Respond respond);

}  // namespace livegate::server
