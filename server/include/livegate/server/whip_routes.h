#pragma once
// WHIP over HTTP (RFC 9725):
//   POST   /whip/{stream key}             Content-Type: application/sdp, the offer
//          → 201, application/sdp answer, Location: /whip/{stream key}/{session}
//   DELETE /whip/{stream key}/{session}   → 200: the publisher stops
//   PATCH  (trickle ICE / ICE restart)    → 405 (Allow: DELETE): candidates travel in the offer and answer
// Refusals are JSON errors: 400 bad offer, 403 unknown key, 409 key already live, 415 not SDP,
// 503 too many sessions.

#include <string_view>
#include <vector>

#include "livegate/server/http_server.h"
#include "livegate/server/router.h"
#include "livegate/streaming/whip_server.h"

namespace livegate::server {

// The routes above; whip null: WHIP is off (404 with a reason).
void add_whip_routes(Router& router, streaming::WhipServer* whip);

}  // namespace livegate::server
