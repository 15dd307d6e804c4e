#include "livegate/server/api_handlers.h"

namespace livegate::server {

const char* state_name(BroadcastState state) {
  switch (state) {
    case BroadcastState::starting: return "starting";
    case BroadcastState::waiting: return "waiting";
    case BroadcastState::live: return "live";
    case BroadcastState::reconnecting: return "reconnecting";
    case BroadcastState::ended: return "ended";
  }
  return "starting";
}

nlohmann::json broadcast_summary(const Broadcast& b, bool with_program) {
  nlohmann::json summary = {
      {"id", b.config.id},     {"title", b.config.title}, {"seller", b.config.seller},
      {"mode", mode_name(b.config.mode)}, {"state", state_name(b.state)},        {"currency", b.config.currency},
      {"hls", b.hls_url()},    {"replay", "/vod/" + b.config.id + "/index.m3u8"}};
  if (with_program && !b.config.program.empty()) summary["program"] = program_json(b.config.program, b.opened_ms);
  return summary;
}

void handle_healthz(const ApiDeps& deps, Respond respond) {
  nlohmann::json body = {{"status", "ok"},
                         {"redis", deps.redis.connected() ? "up" : "down"},
                         {"broadcasts", deps.broadcasts.size()},
                         {"connections", deps.hub.connections()}};
  respond(json_response(200, body));
}

void handle_list_broadcasts(const ApiDeps& deps, Respond respond) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, b] : deps.broadcasts) {
    auto item = broadcast_summary(b, /*with_program=*/false);
    item["viewers"] = deps.hub.viewers(id);
    list.push_back(std::move(item));
  }
  respond(json_response(200, nlohmann::json{{"broadcasts", std::move(list)}}));
}

void handle_get_broadcast(const ApiDeps& deps, const std::string& id, Respond respond) {
  auto it = deps.broadcasts.find(id);
  if (it == deps.broadcasts.end()) return respond(json_error(404, "no broadcast with id '" + id + "'"));
  nlohmann::json body = broadcast_summary(it->second);
  body["viewers"] = deps.hub.viewers(id);
  body["source"] = it->second.source;
  body["ingest"] = it->second.ingest ? it->second.ingest->snapshot() : nlohmann::json(nullptr);
  if (!it->second.config.has_shop()) return respond(json_response(200, body));
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
