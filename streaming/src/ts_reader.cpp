#include "livegate/streaming/ts_reader.h"

namespace livegate::streaming {

namespace {
constexpr size_t kPacket = 188;

const char* codec_of(uint8_t stream_type) {
  switch (stream_type) {
    case 0x1b: return "h264";
    case 0x24: return "hevc";
    case 0x0f: return "aac";
    case 0x11: return "aac-latm";
    case 0x03: case 0x04: return "mp3";
    case 0x81: return "ac3";
    case 0x06: return "private";  // e.g. Opus in TS
    default: return nullptr;
  }
}

bool is_video(uint8_t stream_type) { return stream_type == 0x1b || stream_type == 0x24 || stream_type == 0x02; }
}  // namespace

void TsReader::feed(std::string_view bytes) {
  size_t at = 0;
  if (!partial_.empty()) {
    const size_t need = kPacket - partial_.size();
    partial_.append(bytes.substr(0, need));
    at = std::min(need, bytes.size());
    if (partial_.size() < kPacket) return;
    packet(reinterpret_cast<const uint8_t*>(partial_.data()));
    partial_.clear();
  }
  while (at < bytes.size()) {
    if (bytes[at] != 0x47) {  // lost sync: look for the next packet start
      ++at;
      continue;
    }
    if (bytes.size() - at < kPacket) {
      partial_.assign(bytes.substr(at));
      return;
    }
    packet(reinterpret_cast<const uint8_t*>(bytes.data() + at));
    at += kPacket;
  }
}

void TsReader::packet(const uint8_t* p) {
  const bool unit_start = p[1] & 0x40;
  const int pid = ((p[1] & 0x1f) << 8) | p[2];
  const int adaptation = (p[3] >> 4) & 3;
  size_t offset = 4;
  bool random_access = false;
  if (adaptation & 2) {
    const size_t length = p[4];
    if (length > 183) return;
    if (length > 0) random_access = p[5] & 0x40;
    offset += 1 + length;
  }
  if (!(adaptation & 1) || offset >= kPacket) return;  // no payload
  const uint8_t* payload = p + offset;
  const size_t size = kPacket - offset;

  if ((pid == 0 || pid == pmt_pid_) && unit_start) {
    const size_t pointer = payload[0];
    if (1 + pointer < size) program_table(payload + 1 + pointer, size - 1 - pointer, pid == 0);
    return;
  }
  if (pid != video_pid_ || !unit_start) return;
  // A PES header: 00 00 01, stream id, length (2), flags (2), header length, then PTS.
  if (size < 9 || payload[0] != 0 || payload[1] != 0 || payload[2] != 1) return;
  Frame frame;
  frame.keyframe = random_access;
  const size_t header_length = payload[8];
  if ((payload[7] & 0x80) && size >= 14) {
    const uint8_t* t = payload + 9;
    frame.pts_90khz = (static_cast<uint64_t>(t[0] & 0x0e) << 29) | (static_cast<uint64_t>(t[1]) << 22) |
                      (static_cast<uint64_t>(t[2] & 0xfe) << 14) | (static_cast<uint64_t>(t[3]) << 7) |
                      (static_cast<uint64_t>(t[4]) >> 1);
  }
  if (callbacks_.video_frame) callbacks_.video_frame(frame);
  // The SPS rides at the start of a keyframe's access unit (after an AUD), in this packet.
  if (!frame.keyframe || !callbacks_.sps || 9 + header_length >= size) return;
  std::string_view es(reinterpret_cast<const char*>(payload + 9 + header_length), size - 9 - header_length);
  for (size_t i = 0; i + 4 < es.size(); ++i) {
    if (es[i] == 0 && es[i + 1] == 0 && es[i + 2] == 1 && (static_cast<uint8_t>(es[i + 3]) & 0x1f) == 7) {
      size_t end = es.find(std::string_view("\0\0\1", 3), i + 3);
      if (auto info = parse_sps(es.substr(i + 3, end == std::string_view::npos ? std::string_view::npos : end - i - 3))) {
        callbacks_.sps(*info);
      }
      return;
    }
  }
}

// PAT: the first program's PMT PID. PMT: the first video and audio elementary streams.
void TsReader::program_table(const uint8_t* s, size_t size, bool pat) {
  if (size < 8) return;
  const size_t section_length = ((s[1] & 0x0f) << 8) | s[2];
  const size_t end = std::min(size, 3 + section_length);
  if (end < 4 + 8) return;
  const size_t body_end = end - 4;  // CRC
  if (pat) {
    for (size_t i = 8; i + 4 <= body_end; i += 4) {
      const int program = (s[i] << 8) | s[i + 1];
      if (program != 0) {
        pmt_pid_ = ((s[i + 2] & 0x1f) << 8) | s[i + 3];
        return;
      }
    }
    return;
  }
  if (size < 12) return;
  const size_t info_length = ((s[10] & 0x0f) << 8) | s[11];
  std::string video, audio;
  for (size_t i = 12 + info_length; i + 5 <= body_end;) {
    const uint8_t type = s[i];
    const int pid = ((s[i + 1] & 0x1f) << 8) | s[i + 2];
    const size_t es_info = ((s[i + 3] & 0x0f) << 8) | s[i + 4];
    const char* codec = codec_of(type);
    if (is_video(type) && video.empty()) {
      video_pid_ = pid;
      video = codec ? codec : "type " + std::to_string(type);
    } else if (!is_video(type) && audio.empty() && codec) {
      audio_pid_ = pid;
      audio = codec;
    }
    i += 5 + es_info;
  }
  if ((video != video_codec_ || audio != audio_codec_) && callbacks_.streams) {
    video_codec_ = video;
    audio_codec_ = audio;
    callbacks_.streams(video, audio);
  }
}

}  // namespace livegate::streaming
