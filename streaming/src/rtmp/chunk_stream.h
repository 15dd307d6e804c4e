#pragma once
// The RTMP chunk stream (RTMP spec, section 5.3): messages are cut into chunks of the peer's
// chunk size and interleaved by chunk stream id. The reader reassembles messages from bytes as
// they arrive, in any split; it enforces limits so that a peer cannot make us allocate without
// bound. The writer cuts our messages into chunks.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace livegate::streaming::rtmp {

enum MessageType : uint8_t {
  kSetChunkSize = 1,
  kAbort = 2,
  kAcknowledgement = 3,
  kUserControl = 4,
  kWindowAckSize = 5,
  kSetPeerBandwidth = 6,
  kAudio = 8,
  kVideo = 9,
  kDataAmf3 = 15,
  kCommandAmf3 = 17,
  kDataAmf0 = 18,
  kCommandAmf0 = 20,
};

struct Message {
  uint8_t type = 0;
  uint32_t stream_id = 0;
  uint32_t timestamp = 0;  // milliseconds, absolute
  std::string payload;
};

struct ChunkLimits {
  uint32_t max_message_bytes = 8u << 20;  // a 1080p keyframe at high bitrate is 1-2 MB
  uint32_t max_chunk_size = 1u << 20;
  size_t max_chunk_streams = 64;
  // Unfinished messages over all chunk streams together.
  size_t max_partial_bytes = 16u << 20;
};

class ChunkReader {
 public:
  explicit ChunkReader(ChunkLimits limits = {}) : limits_(limits) {}

  // Appends bytes and moves every completed message to out. False on a protocol violation;
  // error() then says what, and the connection must be closed.
  bool feed(std::string_view data, std::vector<Message>& out);
  const std::string& error() const { return error_; }
  uint32_t chunk_size() const { return chunk_size_; }

 private:
  struct StreamState {
    bool has_header = false;
    uint32_t timestamp = 0;
    uint32_t delta = 0;
    uint32_t length = 0;
    uint8_t type = 0;
    uint32_t stream_id = 0;
    bool extended = false;
    std::string partial;
    StreamState header_only() const {
      StreamState s{has_header, timestamp, delta, length, type, stream_id, extended, {}};
      return s;
    }
  };
  // Parses one chunk at pos_; 1 = parsed, 0 = need more bytes, -1 = error.
  int parse_one(std::vector<Message>& out);
  bool fail(std::string why);

  ChunkLimits limits_;
  std::string buf_;
  size_t pos_ = 0;
  uint32_t chunk_size_ = 128;
  std::map<uint32_t, StreamState> streams_;
  size_t partial_bytes_ = 0;  // the sum of every stream's partial
  std::string error_;
};

// Appends msg to out as chunks of chunk_size on chunk stream csid (2..63).
void write_message(std::string& out, uint32_t csid, const Message& msg, uint32_t chunk_size);

}  // namespace livegate::streaming::rtmp
