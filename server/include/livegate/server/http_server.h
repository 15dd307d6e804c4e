#pragma once
// livegate's HTTP/1.1 and WebSocket server, on libuv inside the process's GLib loop
// (uv_glib_source.h). Every connection comes through one front door: the request head is read
// strictly (request_head.h), the body by Content-Length or chunked (request_body.h), with a
// bounded time for each; bad input gets its 4xx/5xx and a JSON error at once, and the
// connection is closed when its framing cannot be trusted. Requests go to one handler that
// answers now or later; WebSocket upgrades go to a WebSocketHandler (the chat hub), framed and
// checked by wslay (masking, UTF-8, control frames, sizes).
//
// Why not libwebsockets, which livegate used before: Debian 12's lws 4.1 accepted Transfer-Encoding
// with Content-Length (smuggling), waited for 100 MB bodies on POSTs without Content-Length,
// dropped %00 paths without an answer and answered unmasked client frames; see
// docs/reliability.md for the comparison of the parsers Debian ships.

#include <uv.h>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "livegate/common/event_loop.h"
#include "livegate/common/result.h"
#include "livegate/common/log_budget.h"
#include "livegate/common/websocket.h"
#include "livegate/server/config.h"
#include "livegate/server/http_message.h"

namespace livegate {
class Metrics;
}

namespace livegate::server {

class UvGlibSource;
class HttpConnection;
class Answer;

class HttpServer {
 public:
  // websockets: who gets upgraded connections; null answers upgrades with 404. metrics: the
  // front door's own answers (400, 408, 413...) by status class; null counts nothing.
  HttpServer(EventLoop& loop, HttpConfig config, HttpHandler handler, WebSocketHandler* websockets,
             Metrics* metrics = nullptr);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  Result<void> start();
  // Closes every connection (WebSockets get 1001 "going away" first, as far as it can be sent).
  void stop();
  int port() const { return port_; }
  size_t connections() const { return connections_.size(); }

 private:
  friend class HttpConnection;
  friend class WebSocketSession;
  friend class Answer;

  static void on_connection(uv_stream_t* listener, int status);
  void accept_one();
  void forget(uint64_t id);  // a connection's handles are closed
  HttpConnection* find(uint64_t id);
  // A request the front door refused: counted, and logged (a few a minute, so a flood of bad
  // requests cannot fill the disk).
  void count_refusal(const std::string& peer, int status, const std::string& why);
  // WebSocket frames queued in a loop turn are written together at its end.
  void mark_dirty(HttpConnection* connection);
  void flush_dirty();
  std::string next_request_id();
  // A WebSocket client with more than this sent and not taken is not read until it catches up.
  size_t websocket_read_pause_bytes() const { return 16 * config_.max_websocket_message_bytes; }
  void run_uv_loop_until_idle();
  void close_uv_loop();

  EventLoop& loop_;
  HttpConfig config_;
  Metrics* metrics_;
  HttpHandler handler_;
  WebSocketHandler* websockets_;
  std::unique_ptr<uv_loop_t> uv_loop_;
  std::unique_ptr<UvGlibSource> uv_source_;
  std::unique_ptr<uv_tcp_t> listener_;
  int port_ = 0;
  uint64_t next_id_ = 1;
  uint64_t next_request_ = 1;
  std::string request_id_prefix_;  // random per process, so ids from several nodes do not collide
  std::unordered_map<uint64_t, std::unique_ptr<HttpConnection>> connections_;
  std::vector<uint64_t> dirty_;  // connections with frames to write this turn
  LogBudget refusal_log_{30};    // refusals and failed accepts logged a minute: a flood costs a few lines
  LogBudget accept_log_{10};
  bool flush_posted_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace livegate::server
