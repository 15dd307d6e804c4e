#include "livegate/streaming/broadcast_pipeline.h"

#include <gio/gio.h>
#include <gst/app/gstappsrc.h>

#include <filesystem>

#include "keyframe_cuts.h"
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
      listener_(listener) {}

BroadcastPipeline::~BroadcastPipeline() {
  *alive_ = false;
  stop(std::chrono::milliseconds(0));
}

namespace {

// The launch lines end in two queues, "vq" and "aq"; attach_segmenter() links them to
// mpegtsmux ! multifilesink, with segment cuts on keyframes (keyframe_cuts.h). Every h264parse
// before the muxer has config-interval=-1: SPS/PPS before each keyframe, so every segment
// decodes on its own (a player joining live starts mid-playlist; RTMP publishers send them
// once, out of band).
constexpr const char* kVideoOut = " ! queue name=vq ";
constexpr const char* kAudioOut = " ! queue name=aq ";

// An RTMP publisher's FLV: demuxed and re-parsed only, never re-encoded (a few % of a core).
std::string flv_passthrough() {
  return "appsrc name=src is-live=true format=bytes do-timestamp=false max-bytes=16777216 "
         "! flvdemux name=demux "
         "demux.video ! queue ! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au" +
         std::string(kVideoOut) + "demux.audio ! queue ! aacparse" + kAudioOut;
}

// An SRT caller's MPEG-TS: demuxed and re-parsed only. The caps after the demuxer pick which
// of its dynamic pads goes where.
std::string ts_passthrough() {
  return "appsrc name=src is-live=true format=bytes do-timestamp=false max-bytes=16777216 "
         "! tsdemux name=demux "
         "demux. ! video/x-h264 ! queue ! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au" +
         std::string(kVideoOut) + "demux. ! audio/mpeg ! queue ! aacparse" + kAudioOut;
}

}  // namespace

std::string BroadcastPipeline::launch_description() const {
  if (std::holds_alternative<FlvPushSource>(source_)) return flv_passthrough();
  if (std::holds_alternative<TsPushSource>(source_)) return ts_passthrough();
  const auto& s = std::get<TestSourceConfig>(source_);
  const int keyframe_interval = s.fps * output_.segment_seconds;
  // Named elements are configured after parsing (title text, paths), so no user string is ever
  // spliced into the launch syntax. Properties and their reasons:
  //  - I420 before x264enc and profile=main after it: otherwise x264 negotiates High 4:4:4,
  //    which browsers cannot decode.
  //  - key-int-max = one segment and scenecut=0: segments are cut on keyframes, so segments
  //    are exactly segment_seconds long and each one starts playable (x264's scene cuts put
  //    extra keyframes every ~0.4 s on the clock overlay, which made uneven segments).
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
         " option-string=scenecut=0 ! video/x-h264,profile=main ! h264parse config-interval=-1" + std::string(kVideoOut) +
         "audiotestsrc name=asrc is-live=true wave=ticks volume=0.3 "
         "! audio/x-raw,rate=48000,channels=2 ! audioconvert ! audioresample "
         "! avenc_aac bitrate=" + std::to_string(s.audio_bitrate_kbps * 1000) +
         " ! aacparse" + kAudioOut;
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
  if (!attach_segmenter(error)) {
    gst_object_unref(pipeline_);
    pipeline_ = nullptr;
    return false;
  }

  GstBus* bus = gst_element_get_bus(pipeline_);
  bus_watch_ = gst_bus_add_watch(bus, &BroadcastPipeline::on_bus_message, this);
  gst_object_unref(bus);

  started_at_ = std::chrono::steady_clock::now();
  started_unix_ms_ = g_get_real_time() / 1000;
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
    log("streaming")->info("broadcast {}: passthrough pipeline started ({} in, HLS {} s segments)",
                           id_, std::holds_alternative<FlvPushSource>(source_) ? "FLV" : "MPEG-TS",
                           output_.segment_seconds);
  }
  return true;
}

void BroadcastPipeline::stop(std::chrono::milliseconds eos_timeout) {
  if (!pipeline_) return;
  if (eos_timeout.count() > 0) {
    // EOS lets multifilesink close the last segment, which is still reported (so the playlist
    // lists it). Bounded: a pipeline that never drains must not hold shutdown.
    gst_element_send_event(pipeline_, gst_event_new_eos());
    GstBus* bus = gst_element_get_bus(pipeline_);
    const auto deadline = std::chrono::steady_clock::now() + eos_timeout;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      GstMessage* msg = gst_bus_timed_pop_filtered(
          bus, static_cast<GstClockTime>(left.count()) * GST_MSECOND,
          static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT));
      if (!msg) break;
      const bool done = GST_MESSAGE_TYPE(msg) != GST_MESSAGE_ELEMENT;
      if (!done) {
        const GstStructure* st = gst_message_get_structure(msg);
        if (st && gst_structure_has_name(st, "GstMultiFileSink")) on_fragment_message(st);
      }
      gst_message_unref(msg);
      if (done) break;
    }
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

bool BroadcastPipeline::attach_segmenter(std::string* error) {
  GstElement* mux = gst_element_factory_make("mpegtsmux", "mux");
  GstElement* sink = gst_element_factory_make("multifilesink", "hls");
  if (!sink || !mux) {
    if (error) *error = "multifilesink or mpegtsmux missing";
    if (sink) gst_object_unref(sink);
    if (mux) gst_object_unref(mux);
    return false;
  }
  // No packet alignment: with alignment=7 the muxer keeps up to 6 packets back, and they would
  // land after a cut, in the next file (the end of one PES in another segment).
  g_object_set(sink, "location", (output_.dir + "/" + output_.segment_prefix + "%05d.ts").c_str(),
               "post-messages", TRUE, "sync", FALSE, "async", FALSE, nullptr);
  gst_util_set_object_arg(G_OBJECT(sink), "next-file", "key-unit-event");  // cuts: keyframe_cuts.h
  gst_bin_add_many(GST_BIN(pipeline_), mux, sink, nullptr);
  bool ok = gst_element_link(mux, sink);
  for (const char* queue_name : {"vq", "aq"}) {
    GstElement* queue = gst_bin_get_by_name(GST_BIN(pipeline_), queue_name);
    GstPad* src = queue ? gst_element_get_static_pad(queue, "src") : nullptr;
    GstPad* dst = gst_element_request_pad_simple(mux, "sink_%d");
    ok = ok && src && dst && gst_pad_link(src, dst) == GST_PAD_LINK_OK;
    if (ok && std::string_view(queue_name) == "vq") {
      cut_on_keyframes(src, static_cast<GstClockTime>(output_.segment_seconds) * GST_SECOND, &first_keyframe_);
    }
    if (src) gst_object_unref(src);
    if (dst) gst_object_unref(dst);  // the muxer keeps its request pad until it is disposed
    if (queue) gst_object_unref(queue);
  }
  if (!ok && error) *error = "cannot link the segmenter";
  return ok;
}

void BroadcastPipeline::push(std::string_view bytes) {
  if (!appsrc_ || bytes.empty()) return;
  GstBuffer* buffer = gst_buffer_new_memdup(bytes.data(), bytes.size());
  gst_app_src_push_buffer(GST_APP_SRC(appsrc_), buffer);  // takes the buffer
}

size_t BroadcastPipeline::queued_bytes() const {
  return appsrc_ ? static_cast<size_t>(gst_app_src_get_current_level_bytes(GST_APP_SRC(appsrc_))) : 0;
}

void BroadcastPipeline::set_state(PipelineState s) {
  if (state_ == s) return;
  state_ = s;
  listener_.on_pipeline_state(id_, s);
}

// multifilesink's message for a closed file: its name and the running time of the cut that
// ended it (the next segment's first keyframe), or of the last frame at EOS.
void BroadcastPipeline::on_fragment_message(const GstStructure* st) {
  GstClockTime end = GST_CLOCK_TIME_NONE;
  gst_structure_get_clock_time(st, "running-time", &end);
  const gchar* location = gst_structure_get_string(st, "filename");
  if (!location || !GST_CLOCK_TIME_IS_VALID(end)) return;
  GstClockTime start = segment_start_;
  if (!GST_CLOCK_TIME_IS_VALID(start)) start = first_keyframe_.load();
  if (!GST_CLOCK_TIME_IS_VALID(start) || end <= start) return;  // nothing playable in it
  segment_start_ = end;
  gchar* name = g_path_get_basename(location);
  PlaylistSegment segment;
  segment.uri = name;
  g_free(name);
  segment.duration = static_cast<double>(end - start) / GST_SECOND;
  segment.start_unix_ms = started_unix_ms_ + static_cast<int64_t>(start / GST_MSECOND);
  if (++segments_ == 1) set_state(PipelineState::live);
  listener_.on_segment(id_, std::move(segment));
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
    case GST_MESSAGE_ELEMENT: {
      const GstStructure* st = gst_message_get_structure(message);
      if (st && gst_structure_has_name(st, "GstMultiFileSink")) self->on_fragment_message(st);
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
