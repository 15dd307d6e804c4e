#pragma once
// A small blocking WebSocket client (RFC 6455, text frames) for tests and load tools. It speaks
// to the real server over loopback; no library in between, so it also tests our handshake.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace livegate::testing {

class WsClient {
 public:
  WsClient() = default;
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;
  ~WsClient();

  // Before connect: a small kernel receive buffer (bytes), to play a viewer who cannot keep up.
  void set_receive_buffer(int bytes) { receive_buffer_ = bytes; }
  // Connects to ws://127.0.0.1:port{path}; false (with error()) on failure.
  bool connect(int port, const std::string& path);
  bool send_text(const std::string& text);
  // Next text message; nullopt on timeout or close (then close_code() tells why).
  std::optional<std::string> receive(std::chrono::milliseconds timeout);
  // Receives until pred(message) is true; returns that message.
  std::optional<std::string> receive_until(const std::function<bool(const std::string&)>& pred,
                                           std::chrono::milliseconds timeout);
  void close();

  bool closed() const { return closed_; }
  int close_code() const { return close_code_; }
  const std::string& error() const { return error_; }
  int fd() const { return fd_; }

 private:
  bool send_frame(int opcode, const std::string& payload);
  bool read_more(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  int receive_buffer_ = 0;
  std::string buffer_;
  std::string fragments_;
  bool closed_ = false;
  int close_code_ = 0;
  std::string error_;
};

}  // namespace livegate::testing
