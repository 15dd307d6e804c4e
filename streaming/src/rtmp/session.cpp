#include "session.h"

#include <random>

namespace livegate::streaming::rtmp {

namespace {

constexpr size_t kHandshakeSize = 1536;
constexpr uint8_t kRtmpVersion = 3;
constexpr uint32_t kOurChunkSize = 4096;
constexpr uint32_t kWindow = 2500000;
constexpr uint32_t kPublishStreamId = 1;
// Chunk stream ids we send on: 2 protocol control, 3 command replies, 5 stream status.
constexpr uint32_t kCsidControl = 2, kCsidCommand = 3, kCsidStatus = 5;

std::string be32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  return s;
}

Amf0Value status(const char* level, const char* code, std::string description) {
  return amf_object({{"level", amf_string(level)},
                     {"code", amf_string(code)},
                     {"description", amf_string(std::move(description))}});
}

// "key?token=x" -> "key": OBS and ffmpeg users paste URLs with query strings.
std::string strip_query(const std::string& name) { return name.substr(0, name.find('?')); }

}  // namespace

Session::Session(SessionLimits limits, Callbacks callbacks)
    : limits_(std::move(limits)), cb_(std::move(callbacks)), reader_(limits_.chunks) {}

bool Session::close(std::string why) {
  if (state_ == State::publishing && cb_.on_unpublish) cb_.on_unpublish();
  state_ = State::closed;
  if (reason_.empty()) reason_ = std::move(why);
  return false;
}

bool Session::feed(std::string_view in, std::string& out) {
  if (state_ == State::closed) return false;
  bytes_in_ += in.size();
  if (state_ == State::c0c1 || state_ == State::c2) {
    handshake_.append(in);
    if (state_ == State::c0c1) {
      if (handshake_.empty()) return true;
      if (static_cast<uint8_t>(handshake_[0]) != kRtmpVersion) {
        return close("handshake: version " + std::to_string(static_cast<uint8_t>(handshake_[0])) +
                     " is not RTMP 3 (not an RTMP client?)");
      }
      if (handshake_.size() < 1 + kHandshakeSize) return true;
      // S0 + S1 (time, zero version: the simple handshake) + S2 (echo of C1).
      out += static_cast<char>(kRtmpVersion);
      std::string s1(kHandshakeSize, '\0');
      std::mt19937 rng{std::random_device{}()};
      for (size_t i = 8; i < kHandshakeSize; ++i) s1[i] = static_cast<char>(rng());
      out += s1;
      out.append(handshake_, 1, kHandshakeSize);
      handshake_.erase(0, 1 + kHandshakeSize);
      state_ = State::c2;
    }
    if (handshake_.size() < kHandshakeSize) return true;
    std::string rest = handshake_.substr(kHandshakeSize);
    handshake_.clear();
    handshake_.shrink_to_fit();
    state_ = State::connected;
    if (rest.empty()) return true;
    return feed_chunks(rest, out);
  }
  return feed_chunks(in, out);
}

void Session::end(const std::string& why) {
  if (state_ != State::closed) close(why);
}

bool Session::feed_chunks(std::string_view in, std::string& out) {
  std::vector<Message> messages;
  const bool ok = reader_.feed(in, messages);
  for (auto& m : messages) {
    if (!on_message(m, out)) return false;
  }
  if (!ok) return close("chunk stream: " + reader_.error());
  if (bytes_in_ - last_ack_ >= ack_window_) {
    last_ack_ = bytes_in_;
    send_control(out, kAcknowledgement, be32(static_cast<uint32_t>(bytes_in_)));
  }
  return true;
}

void Session::send_control(std::string& out, uint8_t type, std::string payload) {
  write_message(out, kCsidControl, Message{type, 0, 0, std::move(payload)}, out_chunk_size_);
}

void Session::send_command(std::string& out, uint32_t csid, uint32_t stream_id,
                           const std::vector<Amf0Value>& values) {
  Message m{kCommandAmf0, stream_id, 0, {}};
  for (const auto& v : values) amf0_encode(v, m.payload);
  write_message(out, csid, m, out_chunk_size_);
}

bool Session::on_message(Message& m, std::string& out) {
  switch (m.type) {
    case kWindowAckSize:
      if (m.payload.size() >= 4) {
        const auto* p = reinterpret_cast<const uint8_t*>(m.payload.data());
        const uint32_t w = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
        if (w > 0) ack_window_ = w;
      }
      return true;
    case kCommandAmf3:
    case kCommandAmf0: {
      // AMF3 commands carry one format byte and then AMF0 values in practice.
      std::string_view body = m.payload;
      if (m.type == kCommandAmf3 && !body.empty()) body.remove_prefix(1);
      auto args = amf0_decode_all(body);
      if (!args || args->empty() || !(*args)[0].string()) {
        return close("command: malformed AMF0");
      }
      return on_command(*args, m.stream_id, out);
    }
    case kAudio:
    case kVideo:
    case kDataAmf0: {
      if (state_ != State::publishing) return true;  // media before publish: ignored
      if (m.type == kDataAmf0) {
        // "@setDataFrame", "onMetaData", {...} is stored as an "onMetaData" script tag.
        auto values = amf0_decode_all(m.payload);
        if (!values || values->empty()) return true;
        if (const std::string* name = (*values)[0].string(); name && *name == "@setDataFrame") {
          m.payload.erase(0, 3 + name->size());
        }
      }
      if (cb_.on_media) cb_.on_media(FlvTag{m.type, m.timestamp, std::move(m.payload)});
      return true;
    }
    default:
      return true;  // acks, user control, peer bandwidth: nothing to do for a publisher
  }
}

bool Session::on_command(const std::vector<Amf0Value>& args, uint32_t stream_id, std::string& out) {
  const std::string& name = *args[0].string();
  const double txn = args.size() > 1 && args[1].number() ? *args[1].number() : 0;

  if (name == "connect") {
    const Amf0Value* app = args.size() > 2 ? args[2].get("app") : nullptr;
    std::string app_name = app && app->string() ? *app->string() : "";
    while (!app_name.empty() && app_name.back() == '/') app_name.pop_back();
    if (app_name != limits_.app) {
      send_command(out, kCsidCommand, 0,
                   {amf_string("_error"), amf_number(txn), amf_null(),
                    status("error", "NetConnection.Connect.Rejected",
                           "unknown application '" + app_name + "', use rtmp://host/" + limits_.app + "/<stream key>")});
      return close("connect: unknown application '" + app_name + "'");
    }
    send_control(out, kWindowAckSize, be32(kWindow));
    send_control(out, kSetPeerBandwidth, be32(kWindow) + std::string(1, '\x02'));
    send_control(out, kSetChunkSize, be32(kOurChunkSize));
    out_chunk_size_ = kOurChunkSize;
    send_command(out, kCsidCommand, 0,
                 {amf_string("_result"), amf_number(txn),
                  amf_object({{"fmsVer", amf_string("FMS/3,0,1,123")}, {"capabilities", amf_number(31)}}),
                  amf_object({{"level", amf_string("status")},
                              {"code", amf_string("NetConnection.Connect.Success")},
                              {"description", amf_string("Connection succeeded.")},
                              {"objectEncoding", amf_number(0)}})});
    return true;
  }
  if (name == "createStream") {
    send_command(out, kCsidCommand, 0,
                 {amf_string("_result"), amf_number(txn), amf_null(), amf_number(kPublishStreamId)});
    return true;
  }
  if (name == "releaseStream" || name == "FCPublish") {
    send_command(out, kCsidCommand, 0, {amf_string("_result"), amf_number(txn), amf_null(), {Amf0Undefined{}}});
    return true;
  }
  if (name == "publish") {
    if (state_ == State::publishing) return close("publish: already publishing");
    const std::string* key = args.size() > 3 ? args[3].string() : nullptr;
    stream_key_ = key ? strip_query(*key) : "";
    const std::string refusal = stream_key_.empty() ? "no stream key"
                                : cb_.on_publish    ? cb_.on_publish(stream_key_)
                                                    : "publishing is disabled";
    if (!refusal.empty()) {
      send_command(out, kCsidStatus, stream_id,
                   {amf_string("onStatus"), amf_number(0), amf_null(),
                    status("error", "NetStream.Publish.BadName", refusal)});
      return close("publish refused: " + refusal);
    }
    state_ = State::publishing;
    send_command(out, kCsidStatus, stream_id,
                 {amf_string("onStatus"), amf_number(0), amf_null(),
                  status("status", "NetStream.Publish.Start", stream_key_.substr(0, 4) + "… is now published")});
    return true;
  }
  if (name == "FCUnpublish" || name == "deleteStream" || name == "closeStream") {
    if (state_ == State::publishing) {
      state_ = State::connected;
      if (cb_.on_unpublish) cb_.on_unpublish();
    }
    return true;
  }
  return true;  // other commands (getStreamLength, _checkbw, ...) are not for publishers
}

}  // namespace livegate::streaming::rtmp
