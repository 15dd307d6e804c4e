#include "websocket_session.h"

#include <algorithm>

#include "http_connection.h"
#include "livegate/common/guard.h"
#include "livegate/common/log.h"

namespace livegate::server {

WebSocketSession::WebSocketSession(HttpConnection& connection, WebSocketHandler& handler, std::string path,
                                   size_t max_message_bytes)
    : connection_(connection), handler_(handler), path_(std::move(path)) {
  wslay_event_callbacks callbacks{};
  callbacks.recv_callback = on_recv;
  callbacks.send_callback = on_send;
  callbacks.on_msg_recv_callback = on_message;
  if (wslay_event_context_server_init(&ctx_, &callbacks, this) != 0) ctx_ = nullptr;
  if (ctx_) wslay_event_config_set_max_recv_msg_length(ctx_, max_message_bytes);
}

WebSocketSession::~WebSocketSession() {
  if (ctx_) wslay_event_context_free(ctx_);
}

bool WebSocketSession::open() {
  if (!ctx_) return false;
  opened_ = true;
  guarded(Boundary::websocket, "a WebSocket opening", [this] { handler_.opened(*this); });
  return true;
}

uint64_t WebSocketSession::id() const { return connection_.id(); }

const std::string& WebSocketSession::peer() const { return connection_.peer(); }

size_t WebSocketSession::queued_bytes() const { return connection_.unsent_bytes(); }

bool WebSocketSession::close_sent() const { return ctx_ && wslay_event_get_close_sent(ctx_); }

void WebSocketSession::received(std::string_view bytes) {
  if (!ctx_ || told_closed_) return;
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  }
  in_.append(bytes);
  // Reads every whole frame; a protocol error (an unmasked frame, bad UTF-8, a reserved opcode,
  // a message over the limit) queues wslay's close frame (1002, 1007, 1009) and stops reading.
  // What the handler does meanwhile (send, close) is queued; wslay writes only after it returns.
  in_recv_ = true;
  const int read = wslay_event_recv(ctx_);
  in_recv_ = false;
  if (read != 0) {
    log("chat")->info("{}: WebSocket closed on a framing error", peer());
    send_control();
    return connection_.close_after_writing();
  }
  send_control();
  if (closing_) return connection_.close_after_writing();
  finish_if_done();
}

ssize_t WebSocketSession::on_recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user) {
  auto* self = static_cast<WebSocketSession*>(user);
  const size_t available = self->in_.size() - self->in_pos_;
  if (available == 0) {
    wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  const size_t n = std::min(len, available);
  std::copy_n(self->in_.data() + self->in_pos_, n, buf);
  self->in_pos_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t WebSocketSession::on_send(wslay_event_context_ptr ctx, const uint8_t* data, size_t len, int flags,
                                  void* user) {
  // Pongs and close frames: small, copied behind whatever the application queued before them, as
  // one piece (wslay hands over a frame's header and payload separately, flagged MSG_MORE).
  auto* self = static_cast<WebSocketSession*>(user);
  try {
    self->control_.append(reinterpret_cast<const char*>(data), len);
    if (!(flags & WSLAY_MSG_MORE)) {
      self->connection_.queue_copy(self->control_);
      self->control_.clear();
    }
  } catch (...) {  // wslay is C: nothing unwinds through it
    report_exception(Boundary::websocket, "a WebSocket control frame", std::current_exception());
    wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
  }
  return static_cast<ssize_t>(len);
}

void WebSocketSession::on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* user) {
  auto* self = static_cast<WebSocketSession*>(user);
  if (arg->opcode != WSLAY_TEXT_FRAME && arg->opcode != WSLAY_BINARY_FRAME) return;  // control: wslay's
  if (self->closing_ || self->told_closed_) return;
  const std::string_view data(reinterpret_cast<const char*>(arg->msg), arg->msg_length);
  guarded(Boundary::websocket, "a WebSocket message",
          [&] { self->handler_.message(*self, data, arg->opcode == WSLAY_BINARY_FRAME); });
}

void WebSocketSession::send_control() {
  if (!ctx_ || !wslay_event_want_write(ctx_)) return;
  if (wslay_event_send(ctx_) != 0) return connection_.close_soon();
  connection_.server_.mark_dirty(&connection_);
  if (wslay_event_get_close_sent(ctx_)) {
    closing_ = true;
    connection_.close_after_writing();
  }
}

// The client closed (wslay answered) or broke the protocol: once our close frame is out, the
// connection ends.
void WebSocketSession::finish_if_done() {
  if (ctx_ && !wslay_event_get_read_enabled(ctx_) && !wslay_event_want_write(ctx_)) {
    closing_ = true;
    connection_.close_after_writing();
  }
}

void WebSocketSession::send(WsFramePtr frame) {
  if (closing_ || told_closed_ || !frame) return;
  const std::string_view wire = frame->wire();
  connection_.queue({std::move(frame), wire.data(), wire.size()});
  connection_.server_.mark_dirty(&connection_);
}

void WebSocketSession::close(int code, std::string_view reason, bool discard_queued) {
  if (closing_ || told_closed_ || !ctx_) return;
  if (discard_queued) connection_.drop_queued();
  // A close reason is at most 123 bytes of UTF-8: cut at a character's start, never inside one.
  size_t len = std::min<size_t>(reason.size(), 122);
  while (len > 0 && len < reason.size() && (static_cast<unsigned char>(reason[len]) & 0xC0) == 0x80) --len;
  if (wslay_event_queue_close(ctx_, static_cast<uint16_t>(code), reinterpret_cast<const uint8_t*>(reason.data()),
                              len) != 0) {
    return connection_.close_soon();  // the caller (the hub) hears "closed" after its own call
  }
  closing_ = true;
  if (in_recv_) return;  // received() sends it when wslay is done reading
  send_control();
  connection_.close_after_writing();
}

void WebSocketSession::gone() {
  if (!opened_ || told_closed_) return;
  told_closed_ = true;
  guarded(Boundary::websocket, "a WebSocket closing", [this] { handler_.closed(*this); });
}

}  // namespace livegate::server
