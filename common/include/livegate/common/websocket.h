#pragma once
// WebSockets as the application sees them: a connection to send frames on and close, and the
// three calls the server makes (opened, a whole message, closed). The server (server/http_server.h)
// does the protocol: handshake, masking, fragments, UTF-8, ping/pong, the close handshake; the
// chat hub only sees messages. Everything here runs on the loop.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace livegate {

// A server-to-client frame built once, header and payload together, and written to any number
// of connections without copying (a room's batch goes to every member as the same bytes).
class WsFrame {
 public:
  enum Opcode : uint8_t { text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA };
  explicit WsFrame(std::string_view payload, Opcode opcode = text);

  std::string_view wire() const { return wire_; }  // what goes on the socket
  std::string_view payload() const { return std::string_view(wire_).substr(header_bytes_); }
  size_t size() const { return wire_.size() - header_bytes_; }  // of the payload

 private:
  std::string wire_;
  size_t header_bytes_ = 0;
};

using WsFramePtr = std::shared_ptr<const WsFrame>;

inline WsFramePtr make_ws_frame(std::string_view payload) { return std::make_shared<const WsFrame>(payload); }

// One open WebSocket. Valid from WebSocketHandler::opened until WebSocketHandler::closed returns.
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  virtual uint64_t id() const = 0;              // unique in the process
  virtual const std::string& path() const = 0;  // the upgrade request's path, decoded ("/ws/apples")
  virtual const std::string& peer() const = 0;  // the client's address ("203.0.113.7")

  // Queues a frame. Frames queued in one loop turn leave together in one write (corked).
  virtual void send(WsFramePtr frame) = 0;
  // Sends a close frame after what is queued (discard_queued: drops what is queued and not yet
  // written first, for a client too slow to take it), then ends the connection. Later sends are
  // dropped.
  virtual void close(int code, std::string_view reason, bool discard_queued = false) = 0;
  // Bytes queued or handed to the kernel and not yet sent: how far behind the client is.
  virtual size_t queued_bytes() const = 0;
};

class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  virtual void opened(WebSocket& socket) = 0;
  // A whole message (fragments joined); binary: it came as a binary message.
  virtual void message(WebSocket& socket, std::string_view data, bool binary) = 0;
  // The last call about the socket: it is gone when this returns.
  virtual void closed(WebSocket& socket) = 0;
};

}  // namespace livegate
