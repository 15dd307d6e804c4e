#include "livegate/server/broadcast/broadcast_outputs.h"

#include <algorithm>

namespace livegate::server {

BroadcastOutputs::BroadcastOutputs(const MediaConfig& media, const BroadcastConfig& broadcast)
    : live_dir_(media.root + "/live/" + broadcast.id),
      live_(live_dir_, media.segment_seconds, static_cast<size_t>(media.playlist_length),
            static_cast<size_t>(std::max(2, media.max_files - media.playlist_length)),
            broadcast.abr, broadcast.source.audio_bitrate_kbps) {
  live_.reset();
  if (!media.record) return;
  recording_ = std::make_unique<streaming::LivePlaylist>(streaming::LivePlaylist::recording(
      media.root + "/vod/" + broadcast.id, media.segment_seconds));
  recording_->reset();
  if (media.record_mp4_minutes > 0) {
    mp4_ = std::make_unique<streaming::Mp4Recorder>(media.root + "/recordings/" + broadcast.id,
                                                    broadcast.id,
                                                    std::chrono::minutes(media.record_mp4_minutes));
  }
}

void BroadcastOutputs::new_source(bool first_source) {
  if (live_.ended()) {
    live_.reset();
    if (recording_) recording_->reset();
  } else if (!first_source) {
    live_.mark_discontinuity();
    if (recording_) recording_->mark_discontinuity();
    if (mp4_) mp4_->discontinuity();
  }
}

std::string BroadcastOutputs::add_segment(size_t rendition, streaming::PlaylistSegment segment) {
  // Lower ABR rungs are only listed; the top (or only) one is also recorded.
  if (rendition != 0) {
    live_.add(rendition, std::move(segment));
    return {};
  }
  const std::string path = live_.segment_dir(0) + "/" + segment.uri;
  if (recording_) recording_->add_linked(live_.segment_dir(0), segment);
  // Not after the end: the live playlist ignores such a straggler too.
  if (mp4_ && !live_.ended()) mp4_->add_segment(path, segment.duration);
  live_.add(0, std::move(segment));
  return path;
}

void BroadcastOutputs::set_format(size_t rendition, const streaming::RenditionFormat& format) {
  live_.set_format(rendition, format);
}

void BroadcastOutputs::finish() {
  live_.end();
  if (recording_) recording_->end();
  if (mp4_) mp4_->finish();
}

}  // namespace livegate::server
