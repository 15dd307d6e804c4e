#pragma once
// MP4 recording of one broadcast while it is live. Every closed MPEG-TS segment (H.264 + AAC,
// starting on a keyframe) is remuxed with libavformat, no re-encode, onto the end of the current
// MP4 file, on this recorder's own worker thread: the caller (the event loop) only queues.
//
// Files are fragmented MP4 (empty moov, one moof per segment, flushed after each segment), so a
// file plays while it grows and everything up to the last segment survives a crash. A new file
// starts after `split` of media, at every discontinuity (source change: codec parameters may
// change there), after finish(), and after an error (unreadable segment, codec parameters that
// changed without a discontinuity); errors are logged and never stop the recorder.
// Names: {dir}/{broadcast_id}-{UTC yyyymmdd-hhmmss of the file's start}-{n}.mp4, n counting from 1.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace livegate::streaming {

class Mp4Recorder {
 public:
  // dir is created if missing. split: media per file (a file is cut at the first segment
  // boundary at or past it). max_queue: segments waiting for the worker; past it a segment is
  // dropped (logged) and the file is cut there, so the recording never shows a silent gap.
  Mp4Recorder(std::string dir, std::string broadcast_id, std::chrono::seconds split,
              size_t max_queue = 64);
  Mp4Recorder(const Mp4Recorder&) = delete;
  Mp4Recorder& operator=(const Mp4Recorder&) = delete;
  // Writes what is queued, closes the file and joins the worker (bounded by max_queue segments).
  ~Mp4Recorder();

  // Queues a closed segment. The file is hard-linked into {dir}/.spool first, so the live
  // playlist may delete its own name at any time (on another filesystem the link fails and the
  // worker reads the file in place). Never waits for media work.
  void add_segment(const std::string& ts_path, double duration_s);
  // The next segment comes from another source: it starts a new file.
  void discontinuity();
  // Closes the current file (the broadcast ended); a later segment starts a new one.
  void finish();

  // Blocks until the worker has run every queued job. For tests and shutdown, never on the loop.
  void drain();
  // Paths of the files closed so far, oldest first (thread-safe).
  std::vector<std::string> finished_files() const;
  const std::string& dir() const { return dir_; }

 private:
  struct Job {
    enum class Kind { segment, discontinuity, finish } kind = Kind::segment;
    std::string path = {};
    bool spooled = false;  // path is our own link: remove it when done
    double duration_s = 0;
  };
  struct File;  // the open MP4 (libavformat state), touched only by the worker

  void push(Job job);
  void work();
  void run(Job& job);
  void close_file(const char* why);

  const std::string dir_;
  const std::string spool_;
  const std::string id_;
  const std::chrono::seconds split_;
  const size_t max_queue_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;  // the worker: a job or stop
  std::condition_variable idle_;  // drain(): the queue is empty and the worker idle
  std::deque<Job> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  bool dropped_ = false;  // a segment was dropped: the next one starts a new file
  uint64_t spooled_ = 0;  // unique spool names
  std::vector<std::string> finished_;

  // Worker-only state.
  std::unique_ptr<File> file_;
  uint64_t files_opened_ = 0;

  std::thread worker_;  // last: starts after everything above exists
};

}  // namespace livegate::streaming
