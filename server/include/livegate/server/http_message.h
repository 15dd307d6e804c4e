#pragma once
// An HTTP request as the routes see it (its head already checked by the front door,
// request_head.h) and the answer they give, now or later.

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "livegate/common/json_fields.h"
#include "livegate/common/result.h"

namespace livegate::server {

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string path;    // decoded, without the query string
  std::map<std::string, std::string> query;  // decoded ?name=value; a repeated name: the first
  std::string authorization;  // the Authorization header, if any
  std::string content_type;   // the Content-Type header, if any
  std::string accept_encoding;  // the Accept-Encoding header, if any
  std::string origin;         // the Origin header, if any (CORS)
  std::string body;           // at most HttpConfig::max_body_bytes (chunked bodies decoded)
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, lower-case names
  std::string file_path;  // when set, the file is streamed instead of body
};

// Answers a request exactly once, now or later, on the loop. Safe to call after the client left.
// A request whose every copy of its Respond is dropped unanswered gets a 500 (http_server.cpp).
using Respond = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, Respond)>;

HttpResponse json_response(int status, const std::string& json_body);
// The same from a JSON value; bytes that are not UTF-8 (from Redis, from a client) become U+FFFD
// rather than throwing out of dump().
HttpResponse json_response(int status, const nlohmann::json& body);
HttpResponse json_error(int status, const std::string& message);
// The status an Error's code means (invalid 400, not_found 404, conflict 409, limit 507,
// unavailable 503, internal 500) and {"error": message}.
int http_status(ErrorCode code);
HttpResponse json_error(const Error& error);
// 400 {"error": "role must be a string (got an integer)", "field": "role"} from a typed read.
HttpResponse json_field_error(const JsonFields& fields);

}  // namespace livegate::server
