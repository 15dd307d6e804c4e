#include "livegate/streaming/live_output.h"

#include <filesystem>
#include <fstream>

#include "livegate/common/log.h"

namespace livegate::streaming {

LiveOutput::LiveOutput(std::string dir, int target_duration, size_t window, size_t keep_extra,
                       std::vector<Rendition> ladder, int audio_kbps)
    : dir_(std::move(dir)),
      target_duration_(target_duration),
      ladder_(std::move(ladder)),
      audio_kbps_(audio_kbps) {
  if (ladder_.empty()) {
    rungs_.push_back(std::make_unique<LivePlaylist>(dir_, target_duration, window, keep_extra));
    return;
  }
  for (const auto& r : ladder_) {
    rungs_.push_back(std::make_unique<LivePlaylist>(dir_ + "/" + r.name, target_duration, window, keep_extra));
  }
  formats_.resize(ladder_.size());
}

void LiveOutput::reset() {
  if (abr()) {
    // The top folder holds only master.m3u8 and thumb.jpg now; a passthrough run of the same
    // id may have left a playlist and segments there.
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    // increment(ec), not a range-for: its operator++ throws when a file goes meanwhile.
    for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      const auto ext = it->path().extension();
      std::error_code file_ec;
      if (it->is_regular_file(file_ec) && (ext == ".ts" || ext == ".m3u8" || ext == ".tmp")) {
        std::filesystem::remove(it->path(), file_ec);
      }
    }
    formats_.assign(ladder_.size(), RenditionFormat{});
  }
  for (auto& rung : rungs_) rung->reset();
}

void LiveOutput::mark_discontinuity() {
  for (auto& rung : rungs_) rung->mark_discontinuity();
}

void LiveOutput::add(size_t rendition, PlaylistSegment segment) {
  if (rendition < rungs_.size()) rungs_[rendition]->add(std::move(segment));
}

void LiveOutput::end() {
  for (auto& rung : rungs_) rung->end();
}

std::string LiveOutput::segment_dir(size_t rendition) const {
  return abr() && rendition < ladder_.size() ? dir_ + "/" + ladder_[rendition].name : dir_;
}

void LiveOutput::set_format(size_t rendition, const RenditionFormat& format) {
  if (!abr() || rendition >= formats_.size() || formats_[rendition] == format) return;
  formats_[rendition] = format;
  for (const auto& f : formats_) {
    if (f.width == 0) return;  // a rung not yet known: players would see a partial ladder
  }
  write_master();
}

void LiveOutput::write_master() const {
  // Small file, written on the loop: a rename makes it appear whole to readers.
  const std::string path = master_path();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << render_master_playlist(ladder_, formats_, audio_kbps_, target_duration_);
    if (!out) {
      log("streaming")->error("cannot write {}", tmp);
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) log("streaming")->error("cannot publish {}: {}", path, ec.message());
}

}  // namespace livegate::streaming
