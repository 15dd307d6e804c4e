#include "livegate/streaming/broadcast_pipeline.h"

#include <gio/gio.h>
#include <gst/app/gstappsrc.h>

#include <filesystem>

#include "livegate/common/log.h"

namespace livegate::streaming {

const char* to_string(PipelineState s) {
  switch (s) {
    case PipelineState::starting: return "starting";
    case PipelineState::live: return "live";
    case PipelineState::failed: return "failed";
    case PipelineState::stopped: return "stopped";
  }
  return "stopped";
}

BroadcastPipeline::BroadcastPipeline(EventLoop& loop, std::string broadcast_id,
                                     PipelineSource source, HlsOutputConfig output,
                                     Listener& listener)
    : loop_(loop),
      id_(std::move(broadcast_id)),
      source_(std::move(source)),
      output_(std::move(output)),
      listener_(listener),
      playlist_path_(output_.dir + "/index.m3u8") {}

BroadcastPipeline::~BroadcastPipeline() {
  *alive_ = false;
  stop(std::chrono::milliseconds(0));
}

namespace {

std::string hls_sink(const HlsOutputConfig& output) {
  return "hlssink2 name=hls target-duration=" + std::to_string(output.segment_seconds) +
         " playlist-length=" + std::to_string(output.playlist_length) +
         " max-files=" + std::to_string(output.max_files);
}

// An RTMP publisher's FLV: demuxed and re-parsed only, never re-encoded (a few % of a core).
std::string flv_passthrough(const HlsOutputConfig& output) {
  return "appsrc name=src is-live=true format=bytes do-timestamp=false max-bytes=16777216 "
         "! flvdemux name=demux "
         "demux.video ! queue ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! hls.video "
         "demux.audio ! queue ! aacparse ! hls.audio " +
         hls_sink(output);
}

}  // namespace

std::string BroadcastPipeline::launch_description() const {
  if (std::holds_alternative<FlvPushSource>(source_)) return flv_passthrough(output_);
  const auto& s = std::get<TestSourceConfig>(source_);
  const int keyframe_interval = s.fps * output_.segment_seconds;
  // Named elements are configured after parsing (title text, paths), so no user string is ever
  // spliced into the launch syntax. Properties and their reasons:
  //  - I420 before x264enc and profile=main after it: otherwise x264 negotiates High 4:4:4,
  //    which browsers cannot decode.
  //  - key-int-max = one segment: hlssink2 cuts on keyframes, so segments are exactly
  //    segment_seconds long and each one starts playable.
  //  - the queue before x264enc puts the encoder on its own thread (1.5x faster here).
  //  - bframes=0 + zerolatency: no reordering delay for live.
  return "videotestsrc name=vsrc is-live=true pattern=smpte "
         "! video/x-raw,width=" + std::to_string(s.width) + ",height=" + std::to_string(s.height) +
         ",framerate=" + std::to_string(s.fps) + "/1 "
         "! textoverlay name=title valignment=bottom halignment=left shaded-background=true "
         "font-desc=\"Sans Bold " + std::to_string(std::max(8, s.height / 40)) + "\" "
         "! clockoverlay name=clock valignment=bottom halignment=right shaded-background=true "
         "time-format=\"%H:%M:%S\" font-desc=\"Sans " + std::to_string(std::max(8, s.height / 40)) + "\" "
         "! videoconvert ! video/x-raw,format=I420 ! queue max-size-buffers=8 "
         "! x264enc name=venc tune=zerolatency speed-preset=veryfast bframes=0 "
         "bitrate=" + std::to_string(s.video_bitrate_kbps) +
         " key-int-max=" + std::to_string(keyframe_interval) +
         " ! video/x-h264,profile=main ! h264parse ! queue ! hls.video "
         "audiotestsrc name=asrc is-live=true wave=ticks volume=0.3 "
         "! audio/x-raw,rate=48000,channels=2 ! audioconvert ! audioresample "
         "! avenc_aac bitrate=" + std::to_string(s.audio_bitrate_kbps * 1000) +
         " ! aacparse ! queue ! hls.audio " +
         hls_sink(output_);
}

bool BroadcastPipeline::start(std::string* error) {
  if (pipeline_) return true;
  gst_init(nullptr, nullptr);  // idempotent; the pipeline must not depend on who called it first
  std::error_code ec;
  std::filesystem::create_directories(output_.dir, ec);
  if (ec) {
    if (error) *error = "cannot create " + output_.dir + ": " + ec.message();
    return false;
  }
  // A restart begins a new timeline: stale segments from an earlier run must not be served.
  for (const auto& entry : std::filesystem::directory_iterator(output_.dir, ec)) {
    const auto ext = entry.path().extension();
    if (ext == ".ts" || ext == ".m3u8") std::filesystem::remove(entry.path(), ec);
  }

  GError* gerr = nullptr;
  const std::string launch = launch_description();
  GstElement* pipeline = gst_parse_launch(launch.c_str(), &gerr);
  if (!pipeline || gerr) {
    if (error) *error = std::string("pipeline: ") + (gerr ? gerr->message : "parse failed");
    if (gerr) g_error_free(gerr);
    if (pipeline) gst_object_unref(pipeline);
    return false;
  }
  pipeline_ = pipeline;
  gst_element_set_name(pipeline_, ("broadcast-" + id_).c_str());

  if (const auto* test = std::get_if<TestSourceConfig>(&source_)) {
    GstElement* title = gst_bin_get_by_name(GST_BIN(pipeline_), "title");
    g_object_set(title, "text", test->title.c_str(), nullptr);
    gst_object_unref(title);
  } else {
    appsrc_ = gst_bin_get_by_name(GST_BIN(pipeline_), "src");  // our reference, dropped in stop()
  }
  GstElement* hls = gst_bin_get_by_name(GST_BIN(pipeline_), "hls");
  g_object_set(hls, "location", (output_.dir + "/segment%05d.ts").c_str(), "playlist-location",
               playlist_path_.c_str(), nullptr);
  g_signal_connect(hls, "get-playlist-stream", G_CALLBACK(&BroadcastPipeline::on_get_playlist_stream),
                   this);
  gst_object_unref(hls);

  GstBus* bus = gst_element_get_bus(pipeline_);
  bus_watch_ = gst_bus_add_watch(bus, &BroadcastPipeline::on_bus_message, this);
  gst_object_unref(bus);

  started_at_ = std::chrono::steady_clock::now();
  set_state(PipelineState::starting);
  if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    if (error) *error = "pipeline refused to start (see the log above)";
    stop(std::chrono::milliseconds(0));
    set_state(PipelineState::failed);
    return false;
  }
  if (const auto* test = std::get_if<TestSourceConfig>(&source_)) {
    log("streaming")->info("broadcast {}: test pipeline started ({}x{}@{}, {} kbps, HLS {} s segments)",
                           id_, test->width, test->height, test->fps, test->video_bitrate_kbps,
                           output_.segment_seconds);
  } else {
    log("streaming")->info("broadcast {}: passthrough pipeline started (FLV in, HLS {} s segments)",
                           id_, output_.segment_seconds);
  }
  return true;
}

void BroadcastPipeline::stop(std::chrono::milliseconds eos_timeout) {
  if (!pipeline_) return;
  if (eos_timeout.count() > 0) {
    // EOS lets hlssink2 close the last segment and write the final playlist. Bounded: a
    // pipeline that never drains must not hold shutdown.
    gst_element_send_event(pipeline_, gst_event_new_eos());
    GstBus* bus = gst_element_get_bus(pipeline_);
    GstMessage* msg = gst_bus_timed_pop_filtered(
        bus, static_cast<GstClockTime>(eos_timeout.count()) * GST_MSECOND,
        static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    if (msg) gst_message_unref(msg);
    gst_object_unref(bus);
  }
  gst_element_set_state(pipeline_, GST_STATE_NULL);
  if (appsrc_) {
    gst_object_unref(appsrc_);
    appsrc_ = nullptr;
  }
  if (bus_watch_) {
    g_source_remove(bus_watch_);
    bus_watch_ = 0;
  }
  gst_object_unref(pipeline_);
  pipeline_ = nullptr;
  if (state_ != PipelineState::failed) state_ = PipelineState::stopped;
}

void BroadcastPipeline::push(std::string_view flv_bytes) {
  if (!appsrc_ || flv_bytes.empty()) return;
  GstBuffer* buffer = gst_buffer_new_memdup(flv_bytes.data(), flv_bytes.size());
  gst_app_src_push_buffer(GST_APP_SRC(appsrc_), buffer);  // takes the buffer
}

void BroadcastPipeline::set_state(PipelineState s) {
  if (state_ == s) return;
  state_ = s;
  listener_.on_pipeline_state(id_, s);
}

GOutputStream* BroadcastPipeline::on_get_playlist_stream(GstElement*, const gchar* location,
                                                         gpointer data) {
  // Streaming thread. g_file_replace writes a temporary file and renames it on close, so a
  // viewer never downloads a half-written playlist.
  auto* self = static_cast<BroadcastPipeline*>(data);
  GFile* file = g_file_new_for_path(location);
  GError* err = nullptr;
  GFileOutputStream* stream =
      g_file_replace(file, nullptr, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, nullptr, &err);
  g_object_unref(file);
  if (!stream) {
    std::string why = err ? err->message : "unknown";
    if (err) g_error_free(err);
    self->loop_.post([id = self->id_, why] {
      log("streaming")->error("broadcast {}: cannot write playlist: {}", id, why);
    });
    return nullptr;
  }
  // Reported when the playlist is opened for writing; the loop sees it after this returns,
  // and the file is renamed into place when hlssink2 closes the stream right after.
  std::weak_ptr<bool> alive = self->alive_;
  self->loop_.post([self, alive] {
    if (auto a = alive.lock(); !a || !*a) return;
    self->playlists_written_++;
    if (self->playlists_written_ == 1) self->set_state(PipelineState::live);
    self->listener_.on_playlist_written(self->id_, self->playlists_written_);
  });
  return G_OUTPUT_STREAM(stream);
}

gboolean BroadcastPipeline::on_bus_message(GstBus*, GstMessage* message, gpointer data) {
  auto* self = static_cast<BroadcastPipeline*>(data);
  switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR: {
      GError* err = nullptr;
      gchar* debug = nullptr;
      gst_message_parse_error(message, &err, &debug);
      log("streaming")->error("broadcast {}: {} ({}): {}", self->id_, err ? err->message : "?",
                              GST_OBJECT_NAME(message->src), debug ? debug : "");
      // Written when GST_DEBUG_DUMP_DOT_DIR is set: the graph shows where negotiation failed.
      GST_DEBUG_BIN_TO_DOT_FILE_WITH_TS(GST_BIN(self->pipeline_), GST_DEBUG_GRAPH_SHOW_ALL,
                                        ("livegate-error-" + self->id_).c_str());
      if (err) g_error_free(err);
      g_free(debug);
      self->set_state(PipelineState::failed);
      break;
    }
    case GST_MESSAGE_WARNING: {
      GError* err = nullptr;
      gst_message_parse_warning(message, &err, nullptr);
      log("streaming")->warn("broadcast {}: {}", self->id_, err ? err->message : "?");
      if (err) g_error_free(err);
      break;
    }
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

}  // namespace livegate::streaming
