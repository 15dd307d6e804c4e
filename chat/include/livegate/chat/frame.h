#pragma once
// A WebSocket text frame built once and written to many connections. It carries the headroom
// libwebsockets needs in front of the payload (LWS_PRE), so fan-out never copies the payload.

#include <memory>
#include <string_view>
#include <vector>

namespace livegate::chat {

class Frame {
 public:
  explicit Frame(std::string_view payload);
  // Writable because lws_write puts the WebSocket header into the headroom; that is safe to
  // share since every write happens on the loop thread and completes (or is copied) at once.
  unsigned char* payload() { return buf_.data() + headroom(); }
  size_t size() const { return buf_.size() - headroom(); }
  std::string_view text() const {
    return {reinterpret_cast<const char*>(buf_.data() + headroom()), size()};
  }
  static size_t headroom();

 private:
  std::vector<unsigned char> buf_;
};

using FramePtr = std::shared_ptr<Frame>;

inline FramePtr make_frame(std::string_view payload) { return std::make_shared<Frame>(payload); }

}  // namespace livegate::chat
