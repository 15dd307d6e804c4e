#pragma once
// WHIP over HTTP (RFC 9725):
//   POST   /whip/{stream key}             Content-Type: application/sdp, the offer
//          → 201, application/sdp answer, Location: /whip/{stream key}/{session}
//   DELETE /whip/{stream key}/{session}   → 200: the publisher stops
//   PATCH  (trickle ICE / ICE restart)    → 405: candidates travel in the offer and answer
// Refusals are JSON errors: 400 bad offer, 403 unknown key, 409 key already live, 415 not SDP,
// 503 too many sessions.

#include <string_view>
#include <vector>

#include "livegate/server/http_server.h"
#include "livegate/streaming/whip_server.h"

namespace livegate::server {

// parts: the request path split at '/', parts[0] == "whip".
void handle_whip(streaming::WhipServer* whip, const HttpRequest& request,
                 const std::vector<std::string_view>& parts, Respond respond);

}  // namespace livegate::server
