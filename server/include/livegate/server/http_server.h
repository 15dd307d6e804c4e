#pragma once
// livegate's HTTP + WebSocket listener: one libwebsockets context on the process's GLib loop.
// HTTP requests go to one handler that may answer at once or later (after Redis); WebSocket
// upgrades go to the protocols given (the chat hub), whatever subprotocol the browser asks for.

#include <libwebsockets.h>
#include <nlohmann/json.hpp>
#include <uv.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "livegate/common/event_loop.h"
#include "livegate/common/json_fields.h"
#include "livegate/server/config.h"

namespace livegate::server {

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string path;    // decoded, without the query string
  std::map<std::string, std::string> query;  // decoded ?name=value; a repeated name: the first
  std::string authorization;  // the Authorization header, if any
  std::string content_type;   // the Content-Type header, if any
  std::string accept_encoding;  // the Accept-Encoding header, if any
  std::string origin;         // the Origin header, if any (CORS)
  std::string body;           // POST/PUT bodies, at most HttpConfig::max_body_bytes
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, lower-case names
  std::string file_path;  // when set, the file is streamed instead of body
};

// Answers a request exactly once, now or later, on the loop. Safe to call after the client left.
using Respond = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, Respond)>;

HttpResponse json_response(int status, const std::string& json_body);
// The same from a JSON value; bytes that are not UTF-8 (from Redis, from a client) become U+FFFD
// rather than throwing out of dump().
HttpResponse json_response(int status, const nlohmann::json& body);
HttpResponse json_error(int status, const std::string& message);
// 400 {"error": "role must be a string (got an integer)", "field": "role"} from a typed read.
HttpResponse json_field_error(const JsonFields& fields);

class UvGlibSource;

class HttpServer {
 public:
  HttpServer(EventLoop& loop, HttpConfig config, HttpHandler handler,
             std::vector<lws_protocols> websocket_protocols);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  bool start(std::string* error);
  // Closes every connection (WebSockets get 1001 "going away").
  void stop();
  int port() const { return port_; }

 private:
  class Answer;
  struct Pending {
    lws* wsi = nullptr;
    std::string request_id;  // in the x-request-id header of the answer and in the log
    bool in_callback = false;
    std::unique_ptr<HttpResponse> response;
    HttpRequest request;  // kept while a body arrives
    bool body_too_large = false;
  };
  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  static int on_callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  void answer(uint64_t id, HttpResponse response);  // a handler's answer, now or later
  std::string next_request_id();
  int on_request(lws* wsi, uint64_t* session);
  int dispatch(lws* wsi, uint64_t id);
  int deliver(lws* wsi, const HttpResponse& r);
  void close_uv_loop();
  void run_uv_loop_until_idle();  // turns the libuv loop until lws has closed its handles (bounded)

  EventLoop& loop_;
  HttpConfig config_;
  HttpHandler handler_;
  std::vector<lws_protocols> protocols_;
  lws_context* context_ = nullptr;
  lws_context* destroying_ = nullptr;  // lws's pcontext: set until the context is wholly freed
  // libwebsockets runs on this libuv loop, which runs inside the GLib loop (uv_glib_source.h).
  std::unique_ptr<uv_loop_t> uv_loop_;
  void* foreign_loop_ = nullptr;
  std::unique_ptr<UvGlibSource> uv_source_;
  int port_ = 0;
  uint64_t next_id_ = 1;
  std::string request_id_prefix_;  // random per process, so ids from several nodes do not collide
  std::map<uint64_t, Pending> pending_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace livegate::server
