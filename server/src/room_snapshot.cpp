#include "livegate/server/room_snapshot.h"

namespace livegate::server {

void build_room_snapshot(BroadcastMap& broadcasts, commerce::OrderDesk& orders,
                         const std::string& room, chat::HubHandlers::SnapshotReply reply) {
  auto it = broadcasts.find(room);
  if (it == broadcasts.end()) return reply(nullptr, "no such broadcast");
  nlohmann::json snapshot = {{"broadcast", broadcast_summary(it->second)},
                             {"products", nlohmann::json::array()},
                             {"pinned", nullptr}};
  for (const auto& p : it->second.config.products) {
    snapshot["products"].push_back(commerce::product_json(p));
  }
  orders.tally(room, [snapshot = std::move(snapshot), reply = std::move(reply)](
                         std::optional<commerce::Tally> tally, const std::string& error) mutable {
    if (!tally) return reply(nullptr, error);
    snapshot["stock"] = tally->stock;
    snapshot["sold"] = tally->sold;
    reply(std::move(snapshot), {});
  });
}

void place_order(commerce::OrderDesk& orders, const std::string& room, const chat::ChatUser& user,
                 const chat::Buy& buy, chat::HubHandlers::FrameReply reply) {
  commerce::BuyRequest request{buy.key, buy.sku, buy.qty, user.id};
  orders.buy(room, std::move(request),
             [key = buy.key, sku = buy.sku, qty = buy.qty,
              reply = std::move(reply)](const commerce::BuyResult& r) {
               using commerce::BuyStatus;
               if (r.status == BuyStatus::invalid || r.status == BuyStatus::unavailable) {
                 return reply(chat::error_frame({r.error_code, r.message, key}));
               }
               nlohmann::json frame = {{"type", "order"},
                                       {"key", key},
                                       {"sku", sku},
                                       {"qty", qty},
                                       {"status", commerce::to_string(r.status)},
                                       {"order_id", r.order_id.empty() ? nlohmann::json(nullptr)
                                                                       : nlohmann::json(r.order_id)},
                                       {"remaining", r.remaining}};
               reply(frame.dump());
             });
}

}  // namespace livegate::server
