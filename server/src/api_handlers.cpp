#include "livegate/server/api_handlers.h"

namespace livegate::server {

void handle_healthz(const ApiDeps& deps, Respond respond) {
  nlohmann::json body = {{"status", "ok"},
                         {"redis", deps.redis.connected() ? "up" : "down"},
                         {"broadcasts", deps.broadcasts.size()},
                         {"connections", deps.hub.connections()}};
  respond(json_response(200, body));
}

void handle_list_broadcasts(const ApiDeps& deps, Respond respond) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, b] : deps.broadcasts.all()) {
    auto item = broadcast_summary(b, /*with_program=*/false);
    item["viewers"] = deps.hub.viewers(id);
    list.push_back(std::move(item));
  }
  respond(json_response(200, nlohmann::json{{"broadcasts", std::move(list)}}));
}

void handle_get_broadcast(const ApiDeps& deps, const std::string& id, Respond respond) {
  const Broadcast* b = deps.broadcasts.find(id);
  if (!b) return respond(json_error(404, "no broadcast with id '" + id + "'"));
  nlohmann::json body = broadcast_summary(*b);
  body["viewers"] = deps.hub.viewers(id);
  body["source"] = source_name(b->source());
  body["ingest"] = b->publisher() ? b->publisher()->stats().snapshot() : nlohmann::json(nullptr);
  if (!b->config().has_shop()) return respond(json_response(200, body));
  // Products as the seller has them now (Redis), then the totals of the tally.
  deps.catalog.view(id, [&deps, id, body = std::move(body), respond = std::move(respond)](
                            commerce::ShopResult view) mutable {
    if (!view.ok()) return respond(json_error(503, view.message));
    body["products"] = std::move(view.value["products"]);
    deps.orders.tally(id, [body = std::move(body), respond = std::move(respond)](
                              std::optional<commerce::Tally> tally, const std::string& error) mutable {
      if (!tally) return respond(json_error(503, "the tally is unavailable: " + error));
      body["gmv_cents"] = tally->gmv_cents;
      body["orders"] = tally->orders;
      respond(json_response(200, body));
    });
  });
}

}  // namespace livegate::server
