#include "livegate/server/whip_routes.h"

#include "livegate/common/log.h"

namespace livegate::server {

void handle_whip(streaming::WhipServer* whip, const HttpRequest& request,
                 const std::vector<std::string_view>& parts, Respond respond) {
  if (!whip) return respond(json_error(404, "WHIP publishing is disabled on this server"));
  if (request.method == "POST" && parts.size() == 2) {
    if (!request.content_type.starts_with("application/sdp")) {
      return respond(json_error(415, "send the SDP offer with Content-Type: application/sdp"));
    }
    const std::string key(parts[1]);
    whip->offer(key, request.body, [key, respond = std::move(respond)](streaming::WhipServer::Answer answer) {
      if (answer.status != 201) return respond(json_error(answer.status, answer.error));
      HttpResponse r;
      r.status = 201;
      r.content_type = "application/sdp";
      r.body = std::move(answer.sdp);
      r.headers.emplace_back("location", "/whip/" + key + "/" + answer.resource);
      respond(std::move(r));
    });
    return;
  }
  if (request.method == "DELETE" && parts.size() == 3) {
    if (!whip->remove(std::string(parts[2]))) return respond(json_error(404, "no such WHIP session"));
    return respond(json_response(200, R"({"stopped":true})"));
  }
  if (request.method == "PATCH" && parts.size() == 3) {
    HttpResponse r = json_error(405, "trickle ICE is not supported: put candidates in the offer");
    r.headers.emplace_back("allow", "DELETE");
    return respond(std::move(r));
  }
  respond(json_error(405, request.method + " is not allowed here"));
}

}  // namespace livegate::server
