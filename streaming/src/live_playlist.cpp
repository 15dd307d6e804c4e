#include "livegate/streaming/live_playlist.h"

#include <glib.h>

#include <cmath>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "livegate/common/log.h"

namespace livegate::streaming {

namespace {
std::string iso8601(int64_t unix_ms) {
  const time_t secs = static_cast<time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buf, static_cast<int>(unix_ms % 1000));
  return out;
}
}  // namespace

LivePlaylist::LivePlaylist(std::string dir, int target_duration, size_t window, size_t keep_extra)
    : dir_(std::move(dir)),
      path_(dir_ + "/index.m3u8"),
      target_duration_(target_duration),
      window_size_(window),
      keep_extra_(keep_extra) {}

LivePlaylist LivePlaylist::recording(std::string dir, int target_duration) {
  LivePlaylist p(std::move(dir), target_duration, SIZE_MAX, SIZE_MAX);
  p.event_ = true;
  return p;
}

void LivePlaylist::add_linked(const std::string& live_dir, PlaylistSegment segment) {
  if (ended_) return;
  std::error_code ec;
  std::filesystem::create_hard_link(live_dir + "/" + segment.uri, dir_ + "/" + segment.uri, ec);
  if (ec) {
    // Another filesystem: a copy is the fallback (segments are a few hundred KB).
    std::filesystem::copy_file(live_dir + "/" + segment.uri, dir_ + "/" + segment.uri, ec);
  }
  if (ec) {
    log("streaming")->error("recording: cannot keep {}: {}", segment.uri, ec.message());
    return;
  }
  add(std::move(segment));
}

void LivePlaylist::reset() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  // increment(ec), not a range-for: its operator++ throws when a file goes meanwhile.
  for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const auto ext = it->path().extension();
    std::error_code file_ec;
    if (ext == ".ts" || ext == ".m3u8" || ext == ".tmp") std::filesystem::remove(it->path(), file_ec);
  }
  window_.clear();
  retired_.clear();
  media_sequence_ = 0;
  discontinuity_sequence_ = 0;
  pending_discontinuity_ = false;
  ended_ = false;
}

void LivePlaylist::add(PlaylistSegment segment) {
  if (ended_) return;
  // The first segment of all needs no discontinuity: there is nothing before it.
  segment.discontinuity = pending_discontinuity_ && !(window_.empty() && media_sequence_ == 0);
  pending_discontinuity_ = false;
  window_.push_back(std::move(segment));
  while (window_.size() > window_size_) {
    if (window_.front().discontinuity) discontinuity_sequence_++;
    retired_.push_back(window_.front().uri);
    window_.pop_front();
    media_sequence_++;
  }
  std::error_code ec;
  while (retired_.size() > keep_extra_) {
    std::filesystem::remove(dir_ + "/" + retired_.front(), ec);
    retired_.pop_front();
  }
  write();
}

void LivePlaylist::end() {
  if (ended_) return;
  ended_ = true;
  write();
}

std::string LivePlaylist::render() const {
  int target = target_duration_;
  for (const auto& s : window_) target = std::max(target, static_cast<int>(std::lround(s.duration)));
  std::string out = "#EXTM3U\n#EXT-X-VERSION:3\n";
  if (event_) out += "#EXT-X-PLAYLIST-TYPE:EVENT\n";
  out += "#EXT-X-TARGETDURATION:" + std::to_string(target) + "\n";
  out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(media_sequence_) + "\n";
  out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(discontinuity_sequence_) + "\n";
  for (const auto& s : window_) {
    if (s.discontinuity) out += "#EXT-X-DISCONTINUITY\n";
    out += "#EXT-X-PROGRAM-DATE-TIME:" + iso8601(s.start_unix_ms) + "\n";
    char extinf[48];
    std::snprintf(extinf, sizeof(extinf), "#EXTINF:%.3f,\n", s.duration);
    out += extinf;
    out += s.uri + "\n";
  }
  if (ended_) out += "#EXT-X-ENDLIST\n";
  return out;
}

void LivePlaylist::write() const {
  // Small file, written on the loop: a rename makes it appear whole to readers.
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << render();
    if (!out) {
      log("streaming")->error("cannot write {}", tmp);
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
  if (ec) log("streaming")->error("cannot publish {}: {}", path_, ec.message());
}

}  // namespace livegate::streaming
