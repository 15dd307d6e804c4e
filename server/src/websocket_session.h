#pragma once
// The WebSocket side of a connection after the upgrade (private to server/src). wslay reads the
// client's frames and enforces RFC 6455: masked frames only (an unmasked one closes with 1002),
// UTF-8 text (1007), valid opcodes and control frames, a message size limit (1009); it answers
// pings and the close handshake. What the application sends bypasses wslay: frames built once
// (WsFrame) are queued on the connection and written in one go at the end of the loop turn.

#include <wslay/wslay.h>

#include <string>

#include "livegate/common/websocket.h"

namespace livegate::server {

class HttpConnection;

class WebSocketSession final : public WebSocket {
 public:
  WebSocketSession(HttpConnection& connection, WebSocketHandler& handler, std::string path,
                   size_t max_message_bytes);
  ~WebSocketSession() override;
  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;

  // Tells the handler; false when wslay could not be set up (the connection is closed).
  bool open();
  // Bytes from the client (frames, or the rest of one).
  void received(std::string_view bytes);
  // The connection is going: the handler hears it once.
  void gone();
  bool close_sent() const;

  uint64_t id() const override;
  const std::string& path() const override { return path_; }
  const std::string& peer() const override;
  void send(WsFramePtr frame) override;
  void close(int code, std::string_view reason, bool discard_queued = false) override;
  size_t queued_bytes() const override;

 private:
  static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int flags, void* user);
  static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t* data, size_t len, int flags, void* user);
  static void on_message(wslay_event_context_ptr ctx, const wslay_event_on_msg_recv_arg* arg, void* user);
  void send_control();  // what wslay queued (pongs, the close frame) onto the connection
  void finish_if_done();

  HttpConnection& connection_;
  WebSocketHandler& handler_;
  std::string path_;
  wslay_event_context_ptr ctx_ = nullptr;
  std::string in_;  // bytes wslay has not taken yet
  std::string control_;  // a control frame wslay is handing over in pieces
  size_t in_pos_ = 0;
  bool opened_ = false;
  bool told_closed_ = false;
  bool closing_ = false;  // a close frame is queued (by us or in answer): nothing more is sent
  bool in_recv_ = false;  // inside wslay_event_recv (the handler runs from its callbacks)
};

}  // namespace livegate::server
