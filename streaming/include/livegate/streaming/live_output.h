#pragma once
// The live HLS of one broadcast as players see it, kept across pipelines (like LivePlaylist,
// which it is made of). Without a ladder: one LivePlaylist at <dir>/index.m3u8, exactly the
// passthrough layout. With a ladder: one LivePlaylist per rung at <dir>/<name>/index.m3u8 (each
// with the same discontinuity handling) and <dir>/master.m3u8 listing them, written atomically
// once every rung's format is known and again only when one changes (a new source).

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "livegate/streaming/abr_ladder.h"
#include "livegate/streaming/live_playlist.h"

namespace livegate::streaming {

class LiveOutput {
 public:
  // audio_kbps: what the master playlist counts for audio in every rung.
  LiveOutput(std::string dir, int target_duration, size_t window, size_t keep_extra,
             std::vector<Rendition> ladder = {}, int audio_kbps = 128);

  // Removes old playlists and segments (also a former layout's: ladder <-> passthrough).
  void reset();
  // The next segment of every rung begins a new timeline.
  void mark_discontinuity();
  // A closed segment of rung `rendition` (0 without a ladder).
  void add(size_t rendition, PlaylistSegment segment);
  void end();
  bool ended() const { return rungs_.front()->ended(); }
  // With a ladder: what rung `rendition` turned out to be for the current source.
  void set_format(size_t rendition, const RenditionFormat& format);

  bool abr() const { return !ladder_.empty(); }
  // Where the segment files of a rung are (the top rung records the replay and thumbnails).
  std::string segment_dir(size_t rendition) const;
  // The top (or only) rung's playlist.
  const std::deque<PlaylistSegment>& segments() const { return rungs_.front()->segments(); }
  uint64_t media_sequence() const { return rungs_.front()->media_sequence(); }
  std::string master_path() const { return dir_ + "/master.m3u8"; }

 private:
  void write_master() const;

  std::string dir_;
  int target_duration_;
  std::vector<Rendition> ladder_;
  int audio_kbps_;
  std::vector<std::unique_ptr<LivePlaylist>> rungs_;
  std::vector<RenditionFormat> formats_;
};

}  // namespace livegate::streaming
