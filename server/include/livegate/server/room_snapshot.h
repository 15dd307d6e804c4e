#pragma once
// The room part of a viewer's welcome: broadcast, products and the live tally. Bound into the
// hub's handlers by the composition root, so chat never reads commerce's data itself.

#include "livegate/chat/hub.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/server/broadcasts.h"

namespace livegate::server {

void build_room_snapshot(BroadcastMap& broadcasts, commerce::OrderDesk& orders,
                         const std::string& room, chat::HubHandlers::SnapshotReply reply);

// Turns a buy from the hub into an order through the desk and answers with the frame for the
// buyer: an "order" frame, or an "error" frame (with the key) for bad input and outages.
void place_order(commerce::OrderDesk& orders, const std::string& room, const chat::ChatUser& user,
                 const chat::Buy& buy, chat::HubHandlers::FrameReply reply);

}  // namespace livegate::server
