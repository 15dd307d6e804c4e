#pragma once
// One broadcast's media pipeline: a source encoded to H.264 + AAC (or passed through) and
// packaged as HLS; with an ABR ladder, decoded once and encoded once per rung.
// Media flows in GStreamer's streaming threads; everything this object reports reaches its
// Listener on the event loop (through the pipeline's bus watch), never on a media thread.

#include <gio/gio.h>
#include <gst/gst.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "livegate/common/event_loop.h"
#include "livegate/common/result.h"
#include "livegate/streaming/abr_ladder.h"
#include "livegate/streaming/live_playlist.h"

namespace livegate::streaming {

// The generated demo source: colour bars with the broadcast title and a clock, and a tick tone.
struct TestSourceConfig {
  int width = 1280;
  int height = 720;
  int fps = 30;
  int video_bitrate_kbps = 2500;
  int audio_bitrate_kbps = 128;
  std::string title;
};

// Media pushed in as an FLV byte stream (an RTMP publisher): H.264 + AAC passed through to HLS
// without re-encoding.
struct FlvPushSource {};
// MPEG-TS pushed in (an SRT caller): H.264 + AAC passed through, likewise.
struct TsPushSource {};

using PipelineSource = std::variant<TestSourceConfig, FlvPushSource, TsPushSource>;

// Where segments go. The playlist is not the pipeline's: a LivePlaylist owned by the broadcast
// outlives pipelines, so a source change does not restart the viewers' timeline.
struct HlsOutputConfig {
  std::string dir;             // segments are written here
  int segment_seconds = 2;     // also the test source's keyframe interval
  // Empty: one output in dir (passthrough for pushed H.264, one encode for the test source).
  // Otherwise one output per rung in dir/<name>/, all with keyframes on the same frames.
  std::vector<Rendition> ladder;
  std::string segment_prefix;  // unique per pipeline run, so names never repeat
};

enum class PipelineState { starting, live, failed, stopped };
const char* to_string(PipelineState s);

class BroadcastPipeline {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void on_pipeline_state(const std::string& broadcast, PipelineState state) = 0;
    // A segment file was closed and can be listed; the first one means the broadcast is playable.
    // rendition: the rung it belongs to (0 without a ladder).
    virtual void on_segment(const std::string& broadcast, size_t rendition, PlaylistSegment segment) = 0;
    // With a ladder: a rung as encoded (size from the source's aspect ratio, codec level),
    // reported before that rung's first segment of every pipeline run.
    virtual void on_rendition_format(const std::string& /*broadcast*/, size_t /*rendition*/,
                                     const RenditionFormat& /*format*/) {}
  };

  BroadcastPipeline(EventLoop& loop, std::string broadcast_id, PipelineSource source,
                    HlsOutputConfig output, Listener& listener);
  BroadcastPipeline(const BroadcastPipeline&) = delete;
  BroadcastPipeline& operator=(const BroadcastPipeline&) = delete;
  ~BroadcastPipeline();

  // Builds and starts the pipeline, or says why it could not be built or started.
  Result<void> start();
  // Sends EOS so the playlist gets its last segment, waits for it (bounded), then goes to NULL.
  void stop(std::chrono::milliseconds eos_timeout = std::chrono::milliseconds(3000));

  // Push sources only: feeds FLV (header first, then tags) or MPEG-TS bytes. Thread-safe.
  void push(std::string_view bytes);
  // Bytes pushed that the pipeline has not taken yet (its input backlog).
  size_t queued_bytes() const;

  PipelineState state() const { return state_; }
  std::chrono::steady_clock::time_point started_at() const { return started_at_; }
  const std::string& id() const { return id_; }
  // The launch description the pipeline was built from (for logs and DOT dumps).
  std::string launch_description() const;

 private:
  static gboolean on_bus_message(GstBus* bus, GstMessage* message, gpointer self);
  void handle_bus_message(GstMessage* message);  // on_bus_message's work (guarded)
  void on_fragment_message(GstMessage* message);
  Result<void> attach_segmenter(size_t rendition);
  void watch_raw_video();
  std::string output_dir(size_t rendition) const;
  RenditionFormat encoded_format(size_t rendition) const;
  void set_state(PipelineState s);

  EventLoop& loop_;
  std::string id_;
  PipelineSource source_;
  GstElement* appsrc_ = nullptr;
  HlsOutputConfig output_;
  Listener& listener_;
  GstElement* pipeline_ = nullptr;
  guint bus_watch_ = 0;
  PipelineState state_ = PipelineState::stopped;
  int segments_ = 0;
  std::chrono::steady_clock::time_point started_at_{};
  int64_t started_unix_ms_ = 0;
  // Per output (the only one, or one per rung).
  struct Output {
    GstClockTime segment_start = GST_CLOCK_TIME_NONE;  // running time where its open segment began
    std::atomic<GstClockTime> first_keyframe{GST_CLOCK_TIME_NONE};  // set by its cutting probe
    bool format_reported = false;  // rungs: on_rendition_format() sent for this run
  };
  std::deque<Output> outputs_;  // a deque: atomics do not move
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace livegate::streaming
