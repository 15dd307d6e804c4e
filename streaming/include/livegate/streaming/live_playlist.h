#pragma once
// The live HLS playlist of one broadcast, kept across pipeline restarts: when the source changes
// (publisher arrives, drops, slate, fallback) segments keep their numbering, the media sequence
// keeps counting, and an EXT-X-DISCONTINUITY tells players the timestamps start over. Each
// segment carries EXT-X-PROGRAM-DATE-TIME (wall clock), which pins and replays line up with.
// Written atomically (temp file + rename); segments that slid out are deleted a little later,
// so a player that just read the previous playlist can still fetch them.

#include <cstdint>
#include <deque>
#include <string>

namespace livegate::streaming {

struct PlaylistSegment {
  std::string uri;          // file name in the playlist's directory
  double duration = 0;      // seconds
  int64_t start_unix_ms = 0;  // wall clock of the first frame
  bool discontinuity = false;
};

class LivePlaylist {
 public:
  // dir: where index.m3u8 and the segments live; window: segments listed; keep_extra: segments
  // kept on disk after they left the window.
  LivePlaylist(std::string dir, int target_duration, size_t window, size_t keep_extra = 4);

  // A recording: every segment stays listed and on disk (EXT-X-PLAYLIST-TYPE:EVENT); once
  // ended, players treat it as a VOD. Segments are hard links of the live ones (no copy).
  static LivePlaylist recording(std::string dir, int target_duration);
  // For recordings: links the live segment file into this playlist's directory, then adds it.
  void add_linked(const std::string& live_dir, PlaylistSegment segment);

  // Removes old playlists and segments (a new process is a new timeline).
  void reset();
  // The next segment begins a new timeline (new source, new timestamps).
  void mark_discontinuity() { pending_discontinuity_ = true; }
  void add(PlaylistSegment segment);
  // EXT-X-ENDLIST: the broadcast is over; players stop at the last segment.
  void end();
  bool ended() const { return ended_; }

  std::string render() const;
  uint64_t media_sequence() const { return media_sequence_; }
  const std::deque<PlaylistSegment>& segments() const { return window_; }
  const std::string& path() const { return path_; }

 private:
  void write() const;

  std::string dir_;
  std::string path_;
  int target_duration_;
  size_t window_size_;
  size_t keep_extra_;
  std::deque<PlaylistSegment> window_;
  std::deque<std::string> retired_;  // left the window, still on disk
  uint64_t media_sequence_ = 0;
  uint64_t discontinuity_sequence_ = 0;
  bool pending_discontinuity_ = false;
  bool ended_ = false;
  bool event_ = false;
};

}  // namespace livegate::streaming
