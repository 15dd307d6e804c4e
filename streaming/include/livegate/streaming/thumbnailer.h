#pragma once
// Thumbnails with the FFmpeg libraries: the first video frame of a freshly closed segment (a
// keyframe: segments start on one) decoded by libavcodec, scaled by libswscale, encoded as JPEG.
// The work runs on one worker thread; the loop only hands out paths. Nothing comes back to the
// loop: the worker logs a failure itself (the logger is thread-safe) and counts what it made.

#include <atomic>
#include <memory>
#include <string>

#include <glib.h>

#include "livegate/common/event_loop.h"

namespace livegate::streaming {

// Synchronous: decodes the first video frame of media_path and writes jpeg_path (atomically,
// through a temp file), no wider than max_width. False with error on failure.
bool make_thumbnail(const std::string& media_path, const std::string& jpeg_path, int max_width,
                    std::string* error);

class Thumbnailer {
 public:
  Thumbnailer(EventLoop& loop, int max_width = 640);
  Thumbnailer(const Thumbnailer&) = delete;
  Thumbnailer& operator=(const Thumbnailer&) = delete;
  ~Thumbnailer();

  // Queues a thumbnail; false (dropped) when the worker is still busy with the previous one: ask
  // again with a later segment. Failures are logged.
  bool request(const std::string& media_path, const std::string& jpeg_path);
  uint64_t made() const { return made_; }

 private:
  EventLoop& loop_;
  int max_width_;
  GThreadPool* pool_;
  std::atomic<int> busy_{0};
  std::atomic<uint64_t> made_{0};
};

}  // namespace livegate::streaming
