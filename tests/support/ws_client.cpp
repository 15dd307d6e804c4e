#include "ws_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <random>

namespace livegate::testing {

namespace {
constexpr int kText = 0x1, kContinuation = 0x0, kClose = 0x8, kPing = 0x9, kPong = 0xA;

std::string base64(const unsigned char* data, size_t len) {
  static constexpr char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t n = data[i] << 16;
    if (i + 1 < len) n |= data[i + 1] << 8;
    if (i + 2 < len) n |= data[i + 2];
    out += kChars[(n >> 18) & 63];
    out += kChars[(n >> 12) & 63];
    out += i + 1 < len ? kChars[(n >> 6) & 63] : '=';
    out += i + 2 < len ? kChars[n & 63] : '=';
  }
  return out;
}
}  // namespace

WsClient::~WsClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool WsClient::connect(int port, const std::string& path) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (receive_buffer_ > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_, sizeof(receive_buffer_));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    error_ = "connect failed";
    return false;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  unsigned char nonce[16];
  std::random_device rd;
  for (auto& b : nonce) b = static_cast<unsigned char>(rd());
  const std::string request = "GET " + path +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Key: " +
                              base64(nonce, sizeof(nonce)) +
                              "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    error_ = "send failed";
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!read_more(deadline)) {
      error_ = "no handshake response";
      return false;
    }
  }
  const std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  if (head.rfind("HTTP/1.1 101", 0) != 0) {
    error_ = "handshake refused: " + head.substr(0, head.find("\r\n"));
    return false;
  }
  return true;
}

bool WsClient::read_more(std::chrono::steady_clock::time_point deadline) {
  // A deadline already past still takes what the kernel holds now, so receive(0ms) drains
  // without waiting instead of only parsing what was read before.
  const auto left = std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                                             deadline - std::chrono::steady_clock::now())
                                             .count());
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<size_t>(n));
  return true;
}

bool WsClient::send_frame(int opcode, const std::string& payload) {
  std::string frame;
  frame += static_cast<char>(0x80 | opcode);
  const size_t len = payload.size();
  if (len < 126) {
    frame += static_cast<char>(0x80 | len);
  } else if (len < 65536) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(len >> 8);
    frame += static_cast<char>(len & 0xff);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i) frame += static_cast<char>((len >> (8 * i)) & 0xff);
  }
  static thread_local std::mt19937 rng{std::random_device{}()};
  unsigned char mask[4];
  for (auto& m : mask) m = static_cast<unsigned char>(rng());
  frame.append(reinterpret_cast<char*>(mask), 4);
  for (size_t i = 0; i < len; ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  size_t sent = 0;
  while (sent < frame.size()) {
    ssize_t n = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool WsClient::send_text(const std::string& text) { return send_frame(kText, text); }

std::optional<std::string> WsClient::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    // Parse one frame from the buffer if complete.
    if (buffer_.size() >= 2) {
      const auto b0 = static_cast<unsigned char>(buffer_[0]);
      const auto b1 = static_cast<unsigned char>(buffer_[1]);
      size_t header = 2;
      uint64_t len = b1 & 0x7f;
      if (len == 126) {
        header = 4;
      } else if (len == 127) {
        header = 10;
      }
      if (buffer_.size() >= header) {
        if (header == 4) {
          len = (static_cast<unsigned char>(buffer_[2]) << 8) | static_cast<unsigned char>(buffer_[3]);
        } else if (header == 10) {
          len = 0;
          for (int i = 2; i < 10; ++i) len = (len << 8) | static_cast<unsigned char>(buffer_[i]);
        }
        if (buffer_.size() >= header + len) {
          std::string payload = buffer_.substr(header, len);
          buffer_.erase(0, header + len);
          const int opcode = b0 & 0x0f;
          const bool fin = b0 & 0x80;
          if (opcode == kClose) {
            closed_ = true;
            close_code_ = payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) |
                                                    static_cast<unsigned char>(payload[1])
                                              : 1005;
            return std::nullopt;
          }
          if (opcode == kPing) {
            send_frame(kPong, payload);
            continue;
          }
          if (opcode == kText || opcode == kContinuation) {
            fragments_ += payload;
            if (fin) {
              std::string message = std::move(fragments_);
              fragments_.clear();
              return message;
            }
          }
          continue;
        }
      }
    }
    if (closed_ || !read_more(deadline)) return std::nullopt;
  }
}

std::optional<std::string> WsClient::receive_until(
    const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto message = receive(left);
    if (!message) return std::nullopt;
    if (pred(*message)) return message;
  }
}

void WsClient::close() {
  if (fd_ < 0) return;
  if (!closed_) send_frame(kClose, std::string("\x03\xe8", 2));
  ::close(fd_);
  fd_ = -1;
  closed_ = true;
}

}  // namespace livegate::testing
