#pragma once
// What a broadcast leaves for viewers, across every source it has: the live playlist (one, or
// one per ABR rung and a master), the recording that becomes the replay, and its MP4 files.
// Pipelines come and go (publisher, slate, test source); these outlive them, so a viewer's
// playlist goes on across a reconnect with a discontinuity between.

#include <chrono>
#include <memory>
#include <string>

#include "livegate/server/config.h"
#include "livegate/streaming/live_output.h"
#include "livegate/streaming/live_playlist.h"
#include "livegate/streaming/mp4_recorder.h"

namespace livegate::server {

class BroadcastOutputs {
 public:
  // Starts empty: old files of a broadcast with this id are cleared.
  BroadcastOutputs(const MediaConfig& media, const BroadcastConfig& broadcast);

  // A new pipeline is about to feed them: after an end, a fresh timeline (and replay); after
  // an earlier pipeline of this timeline, a discontinuity.
  void new_source(bool first_source);
  // A closed segment of rendition (0: the top or only rung). Returns the path of the segment
  // file for rendition 0 (to thumbnail), empty for the others.
  std::string add_segment(size_t rendition, streaming::PlaylistSegment segment);
  void set_format(size_t rendition, const streaming::RenditionFormat& format);
  // The broadcast ended (or the server stops): EXT-X-ENDLIST everywhere, the last MP4 closed.
  void finish();

  bool ended() const { return live_.ended(); }
  // No segment yet in this timeline: the next rendition-0 segment is the first playable one.
  bool empty() const { return live_.segments().empty() && live_.media_sequence() == 0; }
  // The folder of the live media (thumb.jpg goes there).
  const std::string& live_dir() const { return live_dir_; }

 private:
  std::string live_dir_;
  streaming::LiveOutput live_;
  std::unique_ptr<streaming::LivePlaylist>
      recording_;                                // everything since start (top rung): the replay
  std::unique_ptr<streaming::Mp4Recorder> mp4_;  // the same as MP4 files, remuxed off the loop
};

}  // namespace livegate::server
