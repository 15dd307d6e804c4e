#include "livegate/server/whip_routes.h"

#include "livegate/common/log.h"

namespace livegate::server {

namespace {

void offer(streaming::WhipServer& whip, const std::string& key, const HttpRequest& request, Respond respond) {
  if (!request.content_type.starts_with("application/sdp")) {
    return respond(json_error(415, "send the SDP offer with Content-Type: application/sdp"));
  }
  whip.offer(key, request.body, [key, respond = std::move(respond)](streaming::WhipServer::Answer answer) {
    if (answer.status != 201) return respond(json_error(answer.status, answer.error));
    HttpResponse r;
    r.status = 201;
    r.content_type = "application/sdp";
    r.body = std::move(answer.sdp);
    r.headers.emplace_back("location", "/whip/" + key + "/" + answer.resource);
    respond(std::move(r));
  });
}

}  // namespace

void add_whip_routes(Router& router, streaming::WhipServer* whip) {
  // Registered when WHIP is off too, so a publisher hears why rather than a bare 404.
  router.add("POST", "/whip/{key}", [whip](const HttpRequest& request, const RouteParams& params, Respond respond) {
    if (!whip) return respond(json_error(404, "WHIP publishing is disabled on this server"));
    offer(*whip, std::string(params["key"]), request, std::move(respond));
  });
  router.add("DELETE", "/whip/{key}/{session}", [whip](const HttpRequest&, const RouteParams& params, Respond respond) {
    if (!whip) return respond(json_error(404, "WHIP publishing is disabled on this server"));
    if (!whip->remove(std::string(params["session"]))) return respond(json_error(404, "no such WHIP session"));
    respond(json_response(200, nlohmann::json{{"stopped", true}}));
  });
  // No PATCH: trickle ICE and ICE restarts are not supported (candidates travel in the offer and
  // answer), which RFC 9725 answers with 405, as the router does for a method with no route.
}

}  // namespace livegate::server
