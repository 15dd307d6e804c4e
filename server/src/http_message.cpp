#include "livegate/server/http_message.h"

namespace livegate::server {

namespace {
std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }
}  // namespace

HttpResponse json_response(int status, const std::string& json_body) {
  HttpResponse r;
  r.status = status;
  r.body = json_body;
  r.headers.emplace_back("cache-control", "no-store");
  return r;
}

HttpResponse json_response(int status, const nlohmann::json& body) { return json_response(status, dump(body)); }

HttpResponse json_error(int status, const std::string& message) {
  // Messages quote what the client sent (an id from the URL, an SDP m= line, a CSV column):
  // invalid UTF-8 there is replaced, since a strict dump() would throw.
  return json_response(status, dump(nlohmann::json{{"error", message}}));
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid: return 400;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::limit: return 507;  // capacity (Insufficient Storage): this node is full
    case ErrorCode::unavailable: return 503;
    case ErrorCode::internal: return 500;
  }
  return 500;
}

HttpResponse json_error(const Error& error) { return json_error(http_status(error.code), error.message); }

HttpResponse json_field_error(const JsonFields& fields) {
  nlohmann::json body = {{"error", fields.error()}};
  if (!fields.field().empty()) body["field"] = fields.field();
  return json_response(400, dump(body));
}

}  // namespace livegate::server
