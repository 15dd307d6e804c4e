#pragma once
// One RTMP publisher connection as a protocol state machine, without sockets: bytes in, bytes
// out, and callbacks for the decisions and the media. Handshake (simple, as OBS and ffmpeg
// accept it), connect, createStream, publish; audio/video/metadata are handed up as FLV tags.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "amf0.h"
#include "chunk_stream.h"
#include "livegate/streaming/flv.h"

namespace livegate::streaming::rtmp {


struct SessionLimits {
  ChunkLimits chunks;
  std::string app = "live";  // rtmp://host/<app>/<stream key>
};

class Session {
 public:
  struct Callbacks {
    // The publisher asks to publish under key: return "" to accept, or the refusal reason.
    std::function<std::string(const std::string& stream_key)> on_publish;
    std::function<void(FlvTag&&)> on_media;
    std::function<void()> on_unpublish;
  };

  Session(SessionLimits limits, Callbacks callbacks);

  // Consumes bytes from the peer, appending what to send back to out. False when the connection
  // must close (after out is flushed); reason() says why.
  bool feed(std::string_view in, std::string& out);

  // The connection went away (EOF, timeout, server stop): ends a publication in progress.
  void end(const std::string& why);

  bool publishing() const { return state_ == State::publishing; }
  const std::string& reason() const { return reason_; }
  const std::string& stream_key() const { return stream_key_; }
  uint64_t bytes_in() const { return bytes_in_; }

 private:
  enum class State { c0c1, c2, connected, publishing, closed };

  bool feed_chunks(std::string_view in, std::string& out);
  bool on_message(Message& m, std::string& out);
  bool on_command(const std::vector<Amf0Value>& args, uint32_t stream_id, std::string& out);
  void send_command(std::string& out, uint32_t csid, uint32_t stream_id,
                    const std::vector<Amf0Value>& values);
  void send_control(std::string& out, uint8_t type, std::string payload);
  bool close(std::string why);

  SessionLimits limits_;
  Callbacks cb_;
  State state_ = State::c0c1;
  std::string handshake_;
  ChunkReader reader_;
  uint32_t out_chunk_size_ = 128;
  uint32_t ack_window_ = 2500000;
  uint64_t bytes_in_ = 0;
  uint64_t last_ack_ = 0;
  std::string stream_key_;
  std::string reason_;
};

}  // namespace livegate::streaming::rtmp
