#pragma once
// One broadcast's media pipeline: a source encoded to H.264 + AAC and packaged as HLS.
// Media flows in GStreamer's streaming threads; everything this object reports reaches its
// Listener on the event loop (bus watch and loop.post), never on a media thread.

#include <gio/gio.h>
#include <gst/gst.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "livegate/common/event_loop.h"

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

using PipelineSource = std::variant<TestSourceConfig, FlvPushSource>;

struct HlsOutputConfig {
  std::string dir;            // index.m3u8 and segments are written here
  int segment_seconds = 2;    // also the keyframe interval, so every segment starts on one
  int playlist_length = 6;    // segments listed in the live playlist
  int max_files = 10;         // segments kept on disk (older ones are deleted)
};

enum class PipelineState { starting, live, failed, stopped };
const char* to_string(PipelineState s);

class BroadcastPipeline {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void on_pipeline_state(const std::string& broadcast, PipelineState state) = 0;
    // The live playlist was rewritten; the first call means the first segment is playable.
    virtual void on_playlist_written(const std::string& broadcast, int count) = 0;
  };

  BroadcastPipeline(EventLoop& loop, std::string broadcast_id, PipelineSource source,
                    HlsOutputConfig output, Listener& listener);
  BroadcastPipeline(const BroadcastPipeline&) = delete;
  BroadcastPipeline& operator=(const BroadcastPipeline&) = delete;
  ~BroadcastPipeline();

  // Builds and starts the pipeline; false with a reason when it cannot be built.
  bool start(std::string* error);
  // Sends EOS so the playlist gets its last segment, waits for it (bounded), then goes to NULL.
  void stop(std::chrono::milliseconds eos_timeout = std::chrono::milliseconds(3000));

  // FlvPushSource only: feeds FLV bytes (header first, then tags). Thread-safe, never blocks.
  void push(std::string_view flv_bytes);

  PipelineState state() const { return state_; }
  std::chrono::steady_clock::time_point started_at() const { return started_at_; }
  const std::string& id() const { return id_; }
  const std::string& playlist_path() const { return playlist_path_; }
  // The launch description the pipeline was built from (for logs and DOT dumps).
  std::string launch_description() const;

 private:
  static gboolean on_bus_message(GstBus* bus, GstMessage* message, gpointer self);
  static GOutputStream* on_get_playlist_stream(GstElement* sink, const gchar* location,
                                               gpointer self);
  void set_state(PipelineState s);

  EventLoop& loop_;
  std::string id_;
  PipelineSource source_;
  GstElement* appsrc_ = nullptr;
  HlsOutputConfig output_;
  Listener& listener_;
  std::string playlist_path_;
  GstElement* pipeline_ = nullptr;
  guint bus_watch_ = 0;
  PipelineState state_ = PipelineState::stopped;
  int playlists_written_ = 0;
  std::chrono::steady_clock::time_point started_at_{};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace livegate::streaming
