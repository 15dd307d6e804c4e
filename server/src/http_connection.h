#pragma once
// One TCP connection of the HTTP server (private to server/src): reads requests through the
// front door (request_head.h, request_body.h), hands each to the handler, writes its answer,
// keeps the connection for the next one or closes it, and becomes a WebSocket on an upgrade.
// Responses go out in order: the next request is read only once the previous one is answered.

#include <uv.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "livegate/server/http_server.h"
#include "livegate/server/request_body.h"
#include "livegate/server/request_head.h"

namespace livegate::server {

class WebSocketSession;

// Bytes to write, kept alive until the kernel has them (shared: a WebSocket frame goes to many).
struct OutChunk {
  std::shared_ptr<const void> owner;
  const char* data = nullptr;
  size_t size = 0;
};

class HttpConnection {
 public:
  HttpConnection(HttpServer& server, uint64_t id);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  ~HttpConnection();

  // After uv_accept into tcp(): starts reading.
  void start();
  uv_tcp_t* tcp() { return &tcp_; }
  uint64_t id() const { return id_; }
  const std::string& peer() const { return peer_; }

  // A handler's answer to request number `seq` (a later answer for an earlier request, or one
  // after the client left, is dropped).
  void answer(uint64_t seq, HttpResponse response);
  // Refuses the connection outright (the server is full): a 503 and close.
  void refuse(int status, const std::string& message);

  // Writing, for this connection and its WebSocket session.
  void queue(OutChunk chunk);
  void queue_copy(std::string_view bytes);
  void flush();                    // hands what is queued to libuv now
  void drop_queued();              // forgets what is queued and not yet handed over
  size_t unsent_bytes() const;     // queued + handed to libuv and not yet written
  // Closes after what is queued is written: a FIN, then the rest of what the client sends is
  // read and dropped for a moment (so it sees the answer rather than a reset).
  void close_after_writing();
  void close_now();
  // Closes with a reset: what the kernel still holds for the client is dropped at once, and the
  // client learns it. For a client that took nothing for the send clock: a plain close would
  // queue the FIN behind bytes it never takes, and the kernel would keep them.
  void reset_now();
  // close_now() on a later turn: for code called from the application (the hub), which must not
  // hear "closed" in the middle of its own call.
  void close_soon();
  bool closing() const { return closing_; }

 private:
  enum class Phase { head, body, handling, websocket, lingering };
  enum class Deadline { none, keepalive, head, body, handler, send, linger };

  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_shutdown(uv_shutdown_t* req, int status);
  static void on_timer(uv_timer_t* timer);
  static void on_closed(uv_handle_t* handle);

  void received(std::string_view bytes);
  void process();  // reads as many requests as the buffer holds, one at a time
  void begin_body();
  void dispatch();
  void upgrade();
  void respond_error(int status, const std::string& message, bool close);
  void write_response(HttpResponse response);
  bool write_file_block();  // the next block of a file answer; false when it failed
  void response_written();  // everything of the answer reached the kernel
  void next_request();
  void arm(Deadline deadline);
  void expired();
  void written();    // a write completed
  void shut_down();  // FIN after everything is written
  std::string response_head(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                            std::optional<uint64_t> content_length, bool close);

  HttpServer& server_;
  const uint64_t id_;
  uv_tcp_t tcp_{};
  uv_timer_t timer_{};
  int open_handles_ = 0;
  std::string peer_;
  Phase phase_ = Phase::head;
  Deadline deadline_ = Deadline::none;

  std::string in_;  // read and not yet used
  size_t head_scanned_ = 0;  // of in_, bytes already looked at for the end of a head
  RequestHead head_;
  std::optional<RequestBody> body_reader_;
  std::string body_;
  uint64_t seq_ = 0;            // the request being answered
  bool close_after_ = false;    // this answer ends the connection
  bool head_only_ = false;      // HEAD: the GET's headers, no body
  bool answer_queued_ = false;  // the whole answer is queued (and a file, if any, fully read)

  int file_fd_ = -1;  // a file answer being streamed
  uint64_t file_left_ = 0;

  std::deque<OutChunk> queued_;
  size_t queued_bytes_ = 0;
  int writes_in_flight_ = 0;
  bool dirty_ = false;  // in the server's list of connections to flush at the end of the turn
  bool peer_done_ = false;       // the client closed its side (EOF)
  bool reading_paused_ = false;  // a WebSocket client far behind: not read until it catches up
  bool closing_ = false;
  bool shut_down_ = false;
  bool shutdown_when_written_ = false;

  std::unique_ptr<WebSocketSession> websocket_;
  friend class WebSocketSession;
  friend class HttpServer;
};

}  // namespace livegate::server
