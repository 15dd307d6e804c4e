#include "livegate/server/api_handlers.h"

namespace livegate::server {

nlohmann::json broadcast_summary(const Broadcast& b) {
  return {{"id", b.config.id},     {"title", b.config.title}, {"seller", b.config.seller},
          {"mode", b.config.mode}, {"state", b.state},        {"currency", b.config.currency},
          {"hls", b.hls_url()},
          {"replay", "/vod/" + b.config.id + "/index.m3u8"}};
}

void handle_healthz(const ApiDeps& deps, Respond respond) {
  nlohmann::json body = {{"status", "ok"},
                         {"redis", deps.redis.connected() ? "up" : "down"},
                         {"broadcasts", deps.broadcasts.size()},
                         {"connections", deps.hub.connections()}};
  respond(json_response(200, body.dump()));
}

void handle_list_broadcasts(const ApiDeps& deps, Respond respond) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, b] : deps.broadcasts) {
    auto item = broadcast_summary(b);
    item["viewers"] = deps.hub.viewers(id);
    list.push_back(std::move(item));
  }
  respond(json_response(200, nlohmann::json{{"broadcasts", std::move(list)}}.dump()));
}

void handle_get_broadcast(const ApiDeps& deps, const std::string& id, Respond respond) {
  auto it = deps.broadcasts.find(id);
  if (it == deps.broadcasts.end()) return respond(json_error(404, "no broadcast with id '" + id + "'"));
  nlohmann::json body = broadcast_summary(it->second);
  body["viewers"] = deps.hub.viewers(id);
  body["source"] = it->second.source;
  body["ingest"] = it->second.ingest ? it->second.ingest->snapshot() : nlohmann::json(nullptr);
  std::vector<commerce::Product> products = it->second.config.products;
  deps.orders.tally(id, [body = std::move(body), products = std::move(products),
                         respond = std::move(respond)](std::optional<commerce::Tally> tally,
                                                       const std::string& error) mutable {
    if (!tally) return respond(json_error(503, "the tally is unavailable: " + error));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& p : products) {
      auto item = commerce::product_json(p);
      item["stock"] = tally->stock.contains(p.sku) ? tally->stock.at(p.sku) : 0;
      item["sold"] = tally->sold.contains(p.sku) ? tally->sold.at(p.sku) : 0;
      items.push_back(std::move(item));
    }
    body["products"] = std::move(items);
    body["gmv_cents"] = tally->gmv_cents;
    body["orders"] = tally->orders;
    respond(json_response(200, body.dump()));
  });
}

}  // namespace livegate::server
