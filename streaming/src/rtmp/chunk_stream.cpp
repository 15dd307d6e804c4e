#include "chunk_stream.h"

namespace livegate::streaming::rtmp {

namespace {
uint32_t be24(const char* p) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(p[0])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(p[1])) << 8) | static_cast<uint8_t>(p[2]);
}
uint32_t be32(const char* p) {
  return (be24(p) << 8) | static_cast<uint8_t>(p[3]);
}
uint32_t le32(const char* p) {
  return static_cast<uint8_t>(p[0]) | (static_cast<uint32_t>(static_cast<uint8_t>(p[1])) << 8) |
         (static_cast<uint32_t>(static_cast<uint8_t>(p[2])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(p[3])) << 24);
}
void put24(std::string& out, uint32_t v) {
  out += static_cast<char>((v >> 16) & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
  out += static_cast<char>(v & 0xff);
}
void put32(std::string& out, uint32_t v) {
  put24(out, v >> 8);
  out += static_cast<char>(v & 0xff);
}
constexpr size_t kHeaderSize[4] = {11, 7, 3, 0};
}  // namespace

bool ChunkReader::fail(std::string why) {
  error_ = std::move(why);
  return false;
}

bool ChunkReader::feed(std::string_view data, std::vector<Message>& out) {
  if (!error_.empty()) return false;
  buf_.append(data);
  while (true) {
    const int r = parse_one(out);
    if (r < 0) return false;
    if (r == 0) break;
  }
  buf_.erase(0, pos_);
  pos_ = 0;
  return true;
}

int ChunkReader::parse_one(std::vector<Message>& out) {
  auto error = [this](std::string why) {
    fail(std::move(why));
    return -1;
  };
  const size_t avail = buf_.size() - pos_;
  const char* p = buf_.data() + pos_;
  if (avail < 1) return 0;
  const uint8_t b0 = static_cast<uint8_t>(p[0]);
  const int fmt = b0 >> 6;
  uint32_t csid = b0 & 0x3f;
  size_t n = 1;
  if (csid == 0) {
    if (avail < 2) return 0;
    csid = 64 + static_cast<uint8_t>(p[1]);
    n = 2;
  } else if (csid == 1) {
    if (avail < 3) return 0;
    csid = 64 + static_cast<uint8_t>(p[1]) + 256u * static_cast<uint8_t>(p[2]);
    n = 3;
  }
  if (avail < n + kHeaderSize[fmt]) return 0;

  auto it = streams_.find(csid);
  if (it == streams_.end()) {
    if (fmt != 0) return error("chunk stream " + std::to_string(csid) + " starts without a full header");
    if (streams_.size() >= limits_.max_chunk_streams) return error("too many chunk streams");
  }
  // Work on a copy of the header state; it is committed only when the whole chunk is here. The
  // message's bytes so far stay where they are: copying them per chunk made one 8 MB message
  // cost gigabytes of copying.
  StreamState s;
  size_t have = 0;
  if (it != streams_.end()) {
    have = it->second.partial.size();
    s = it->second.header_only();
  }
  const char* h = p + n;
  uint32_t ts_field = 0;
  if (fmt <= 2) ts_field = be24(h);
  if (fmt <= 1) {
    s.length = be24(h + 3);
    s.type = static_cast<uint8_t>(h[6]);
  }
  if (fmt == 0) s.stream_id = le32(h + 7);
  n += kHeaderSize[fmt];

  bool extended = fmt <= 2 ? ts_field == 0xffffff : s.extended;
  uint32_t ts_value = ts_field;
  if (extended) {
    if (avail < n + 4) return 0;
    const uint32_t ext = be32(p + n);
    // On a type 3 chunk the repeated extended timestamp is optional: some writers omit it. It
    // is taken as present when it equals the one we know.
    if (fmt == 3 && have > 0 && ext != s.delta) {
      extended = false;
    } else {
      ts_value = ext;
      n += 4;
    }
  }

  const bool starts_message = have == 0;
  if (!starts_message && fmt != 3) return error("new message header in the middle of a message");
  if (s.length > limits_.max_message_bytes) {
    return error("message of " + std::to_string(s.length) + " bytes is over the limit");
  }
  if (s.length < have) return error("message shorter than what was sent of it");
  const size_t want = std::min<size_t>(chunk_size_, s.length - have);
  // Many chunk streams each holding part of a large message: bounded in all, not only each.
  if (partial_bytes_ + want > limits_.max_partial_bytes) {
    return error("more than " + std::to_string(limits_.max_partial_bytes) + " bytes of unfinished messages");
  }
  if (avail < n + want) return 0;

  if (starts_message) {
    if (fmt == 0) {
      s.timestamp = ts_value;
      s.delta = ts_value;  // a type 3 message after type 0 repeats its timestamp as the delta
    } else if (fmt == 1 || fmt == 2) {
      s.delta = ts_value;
      s.timestamp += ts_value;
    } else {
      s.timestamp += s.delta;
    }
    if (fmt <= 2) s.extended = extended;
  }
  s.has_header = true;
  StreamState& slot = streams_[csid];
  std::string partial = std::move(slot.partial);
  slot = std::move(s);
  partial.append(p + n, want);
  partial_bytes_ += want;
  n += want;
  pos_ += n;

  if (partial.size() == slot.length) {
    partial_bytes_ -= partial.size();
    Message m{slot.type, slot.stream_id, slot.timestamp, std::move(partial)};
    if (m.type == kSetChunkSize) {
      if (m.payload.size() < 4) return error("short set chunk size");
      const uint32_t size = be32(m.payload.data()) & 0x7fffffff;
      if (size < 1 || size > limits_.max_chunk_size) {
        return error("chunk size " + std::to_string(size) + " is out of range");
      }
      chunk_size_ = size;
    } else if (m.type == kAbort) {
      if (m.payload.size() >= 4) {
        if (auto a = streams_.find(be32(m.payload.data())); a != streams_.end()) {
          partial_bytes_ -= a->second.partial.size();
          a->second.partial.clear();
        }
      }
    }
    out.push_back(std::move(m));
  } else {
    slot.partial = std::move(partial);
  }
  return 1;
}

void write_message(std::string& out, uint32_t csid, const Message& msg, uint32_t chunk_size) {
  const bool extended = msg.timestamp >= 0xffffff;
  const uint32_t ts_field = extended ? 0xffffff : msg.timestamp;
  size_t offset = 0;
  bool first = true;
  do {
    if (first) {
      out += static_cast<char>(csid & 0x3f);  // fmt 0
      put24(out, ts_field);
      put24(out, static_cast<uint32_t>(msg.payload.size()));
      out += static_cast<char>(msg.type);
      for (int i = 0; i < 4; ++i) out += static_cast<char>((msg.stream_id >> (8 * i)) & 0xff);
    } else {
      out += static_cast<char>(0xC0 | (csid & 0x3f));  // fmt 3
    }
    if (extended) put32(out, msg.timestamp);
    const size_t n = std::min<size_t>(chunk_size, msg.payload.size() - offset);
    out.append(msg.payload, offset, n);
    offset += n;
    first = false;
  } while (offset < msg.payload.size());
}

}  // namespace livegate::streaming::rtmp
