#include "livegate/server/room_snapshot.h"

#include "livegate/server/chat_tokens.h"
#include "livegate/server/shop_routes.h"

namespace livegate::server {

void build_room_snapshot(const BroadcastRegistry& broadcasts, commerce::CatalogStore& catalog, double cny_per_usd,
                         const std::string& room, chat::HubHandlers::SnapshotReply reply) {
  const Broadcast* b = broadcasts.find(room);
  if (!b) return reply(nullptr, "no such broadcast");
  nlohmann::json snapshot = {{"broadcast", broadcast_summary(*b)},
                             {"products", nlohmann::json::array()},
                             {"stock", nlohmann::json::object()},
                             {"sold", nlohmann::json::object()},
                             {"pinned", nullptr},
                             {"pin", nullptr},
                             {"deals", nlohmann::json::array()},
                             {"cny_per_usd", cny_per_usd}};
  if (!b->config().has_shop()) {
    snapshot["now"] = live_edge_media_ms();
    return reply(std::move(snapshot), {});
  }
  catalog.view(room, [snapshot = std::move(snapshot), reply = std::move(reply)](commerce::ShopResult r) mutable {
    if (!r.ok()) return reply(nullptr, r.message);
    for (auto& p : r.value["products"]) {
      if (!p.is_object() || !p.contains("sku") || !p["sku"].is_string()) continue;  // not a product we wrote
      const std::string sku = p["sku"];
      snapshot["stock"][sku] = p["stock"];
      snapshot["sold"][sku] = p["sold"];
      snapshot["products"].push_back(std::move(p));
    }
    // "pinned" (the sku) for players that only highlight; "pin" with its media time for those
    // that wait until their playback reaches it.
    if (r.value["pinned"].is_object()) {
      snapshot["pinned"] = r.value["pinned"]["sku"];
      snapshot["pin"] = r.value["pinned"];
    }
    snapshot["deals"] = std::move(r.value["deals"]);
    snapshot["now"] = r.value["now"];  // the Redis clock deals are judged by
    reply(std::move(snapshot), {});
  });
}

void place_order(commerce::OrderDesk& orders, const std::string& room, const chat::ChatUser& user,
                 const chat::Buy& buy, chat::HubHandlers::FrameReply reply) {
  commerce::BuyRequest request{buy.key, buy.sku, buy.qty, user.id, buy.deal};
  orders.buy(room, std::move(request),
             [key = buy.key, sku = buy.sku, qty = buy.qty, deal = buy.deal,
              reply = std::move(reply)](const commerce::BuyResult& r) {
               using commerce::BuyStatus;
               if (r.status == BuyStatus::invalid || r.status == BuyStatus::unavailable) {
                 return reply(chat::error_frame({r.error_code, r.message, key}));
               }
               // A duplicate answers with the original order's terms, whatever this click
               // named (null when the order's record is gone): its key was reused.
               const bool duplicate = r.status == BuyStatus::duplicate;
               const bool known = !r.original_sku.empty();
               nlohmann::json frame = {{"type", "order"},
                                       {"key", key},
                                       {"sku", duplicate ? (known ? nlohmann::json(r.original_sku) : nullptr) : nlohmann::json(sku)},
                                       {"qty", duplicate ? (known ? nlohmann::json(r.original_qty) : nullptr) : nlohmann::json(qty)},
                                       {"status", commerce::to_string(r.status)},
                                       {"order_id", r.order_id.empty() ? nlohmann::json(nullptr)
                                                                       : nlohmann::json(r.order_id)},
                                       {"remaining", r.remaining}};
               const std::string& its_deal = duplicate ? r.original_deal : deal;
               if (!its_deal.empty()) frame["deal"] = its_deal;
               if (r.status == BuyStatus::sold_out) frame["reason"] = r.error_code;  // sold_out | deal_sold_out
               reply(frame.dump());
             });
}

void pin_product(commerce::ProductPins& pins, const std::string& room, const chat::ChatUser& user,
                 const std::string& sku, chat::HubHandlers::FrameReply reply) {
  pins.pin(room, sku, live_edge_media_ms(), user.id, [reply = std::move(reply)](commerce::ShopResult r) {
    if (r.ok()) return reply({});
    const char* code = r.problem == commerce::Problem::not_found ? "unknown_sku" : "unavailable";
    reply(chat::error_frame({code, r.message, {}}));
  });
}

chat::HubHandlers room_handlers(const RoomDeps& deps) {
  return {.snapshot = [deps](const std::string& room, chat::HubHandlers::SnapshotReply reply) {
            build_room_snapshot(deps.broadcasts, deps.catalog, deps.config.commerce.cny_per_usd, room, std::move(reply));
          },
          .buy = [deps](const std::string& room, const chat::ChatUser& user, const chat::Buy& buy,
                        chat::HubHandlers::FrameReply reply) { place_order(deps.orders, room, user, buy, std::move(reply)); },
          .tap = [deps](const std::string& room, const chat::ChatUser& user, const std::string& sku) {
            if (deps.orders.has_shop(room)) deps.stats.tap(room, user.id, sku);
          },
          .pin_product = [deps](const std::string& room, const chat::ChatUser& user, const std::string& sku,
                                chat::HubHandlers::FrameReply reply) {
            if (!deps.orders.has_shop(room)) {
              return reply(chat::error_frame({"unsupported", "this broadcast has no shop", {}}));
            }
            pin_product(deps.pins, room, user, sku, std::move(reply));
          },
          .identify = [deps](const std::string& room, const std::string& token,
                             std::string* why) -> std::optional<chat::ChatUser> {
            auto claims = verify_token(deps.config.auth.jwt_secret, token, room, unix_seconds(), why);
            if (!claims) return std::nullopt;
            return chat::ChatUser{claims->user, claims->name, claims->role};
          }};
}

}  // namespace livegate::server
