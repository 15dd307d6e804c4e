#include "livegate/streaming/broadcast_pipeline.h"

#include <gio/gio.h>
#include <gst/app/gstappsrc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "abr_launch.h"
#include "abr_rungs.h"
#include "keyframe_cuts.h"
#include "start_together.h"
#include "sws_scale.h"
#include "livegate/common/guard.h"
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

// Without a ladder the launch lines end in two queues, "vq" and "aq"; attach_segmenter() links
// them to mpegtsmux ! multifilesink, with segment cuts on keyframes (keyframe_cuts.h). With a
// ladder they end in tees "vt" (raw I420) and "at" (AAC), which abr_branches() splits into one
// "vq<i>"/"aq<i>" pair per rung, each with its own muxer and sink. Every h264parse before a
// muxer has config-interval=-1: SPS/PPS before each keyframe, so every segment decodes on its
// own (a player joining live starts mid-playlist; RTMP publishers send them once, out of band).
// Video waits at most this long for the audio to start (start_together.h): a video-only
// publisher costs this much at its start, and no more.
constexpr std::chrono::milliseconds kMaxAudioWait{2000};
constexpr const char* kVideoOut = " ! queue name=vq ";
constexpr const char* kAudioOut = " ! queue name=aq ";
constexpr const char* kVideoTee = " ! tee name=vt ";
constexpr const char* kAudioTee = " ! tee name=at ";
// Pushed H.264 passed through, or decoded once for the ladder. videoconvert is a no-op for the
// usual 8-bit 4:2:0 and makes anything else I420 once, not once per rung.
constexpr const char* kPassH264 = " config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au";
constexpr const char* kDecodeH264 = " ! avdec_h264 ! videoconvert ! video/x-raw,format=I420";

// An RTMP publisher's FLV: demuxed and re-parsed only, never re-encoded (a few % of a core),
// unless the broadcast has a ladder.
std::string flv_source(bool abr) {
  return std::string("appsrc name=src is-live=true format=bytes do-timestamp=false max-bytes=16777216 "
                     "! flvdemux name=demux "
                     "demux.video ! queue ! h264parse") +
         (abr ? kDecodeH264 : kPassH264) + (abr ? kVideoTee : kVideoOut) + "demux.audio ! queue ! aacparse" +
         (abr ? kAudioTee : kAudioOut);
}

// An SRT caller's MPEG-TS: likewise. The caps after the demuxer pick which of its dynamic pads
// goes where.
std::string ts_source(bool abr) {
  return std::string("appsrc name=src is-live=true format=bytes do-timestamp=false max-bytes=16777216 "
                     "! tsdemux name=demux "
                     "demux. ! video/x-h264 ! queue ! h264parse") +
         (abr ? kDecodeH264 : kPassH264) + (abr ? kVideoTee : kVideoOut) +
         "demux. ! audio/mpeg ! queue ! aacparse" + (abr ? kAudioTee : kAudioOut);
}

// The test source's raw I420 video (before any encoder) and its AAC audio.
std::string test_video(const TestSourceConfig& s) {
  return "videotestsrc name=vsrc is-live=true pattern=smpte "
         "! video/x-raw,width=" + std::to_string(s.width) + ",height=" + std::to_string(s.height) +
         ",framerate=" + std::to_string(s.fps) + "/1 "
         "! textoverlay name=title valignment=bottom halignment=left shaded-background=true "
         "font-desc=\"Sans Bold " + std::to_string(std::max(8, s.height / 40)) + "\" "
         "! clockoverlay name=clock valignment=bottom halignment=right shaded-background=true "
         "time-format=\"%H:%M:%S\" font-desc=\"Sans " + std::to_string(std::max(8, s.height / 40)) + "\" "
         "! videoconvert ! video/x-raw,format=I420";
}

std::string test_audio(const TestSourceConfig& s) {
  return "audiotestsrc name=asrc is-live=true wave=ticks volume=0.3 "
         "! audio/x-raw,rate=48000,channels=2 ! audioconvert ! audioresample "
         "! avenc_aac bitrate=" + std::to_string(s.audio_bitrate_kbps * 1000) + " ! aacparse";
}

}  // namespace

std::string BroadcastPipeline::launch_description() const {
  const bool abr = !output_.ladder.empty();
  const int segment = output_.segment_seconds;
  if (std::holds_alternative<FlvPushSource>(source_)) {
    return flv_source(abr) + (abr ? abr_branches(output_.ladder, kMaxPushFps * segment) : "");
  }
  if (std::holds_alternative<TsPushSource>(source_)) {
    return ts_source(abr) + (abr ? abr_branches(output_.ladder, kMaxPushFps * segment) : "");
  }
  const auto& s = std::get<TestSourceConfig>(source_);
  const int keyframe_interval = s.fps * segment;
  // With a ladder the test source (and the slate) is encoded into the same rungs as a
  // publisher, so the master playlist does not change with the source.
  if (abr) {
    return test_video(s) + kVideoTee + test_audio(s) + kAudioTee + abr_branches(output_.ladder, keyframe_interval);
  }
  // Named elements are configured after parsing (title text, paths), so no user string is ever
  // spliced into the launch syntax. Properties and their reasons:
  //  - I420 before x264enc and profile=main after it: otherwise x264 negotiates High 4:4:4,
  //    which browsers cannot decode.
  //  - key-int-max = one segment and scenecut=0: segments are cut on keyframes, so segments
  //    are exactly segment_seconds long and each one starts playable (x264's scene cuts put
  //    extra keyframes every ~0.4 s on the clock overlay, which made uneven segments).
  //  - the queue before x264enc puts the encoder on its own thread (1.5x faster here).
  //  - bframes=0 + zerolatency: no reordering delay for live.
  return test_video(s) + " ! queue max-size-buffers=8 "
         "! x264enc name=venc tune=zerolatency speed-preset=veryfast bframes=0 "
         "bitrate=" + std::to_string(s.video_bitrate_kbps) +
         " key-int-max=" + std::to_string(keyframe_interval) +
         " option-string=scenecut=0 ! video/x-h264,profile=main ! h264parse config-interval=-1" +
         std::string(kVideoOut) + test_audio(s) + kAudioOut;
}

Result<void> BroadcastPipeline::start() {
  if (pipeline_) return ok();
  gst_init(nullptr, nullptr);  // idempotent; the pipeline must not depend on who called it first
  if (!output_.ladder.empty()) register_sws_scale();  // the rungs' scaler
  const size_t outputs = std::max<size_t>(1, output_.ladder.size());
  for (size_t i = 0; i < outputs; ++i) {
    std::error_code ec;
    const std::string dir = output_dir(i);
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return fail(ErrorCode::unavailable, "cannot create " + dir + ": " + ec.message());
    }
  }
  outputs_.clear();
  for (size_t i = 0; i < outputs; ++i) outputs_.emplace_back();

  GError* gerr = nullptr;
  const std::string launch = launch_description();
  GstElement* pipeline = gst_parse_launch(launch.c_str(), &gerr);
  if (!pipeline || gerr) {
    std::string why = std::string("pipeline: ") + (gerr ? gerr->message : "parse failed");
    if (gerr) g_error_free(gerr);
    if (pipeline) gst_object_unref(pipeline);
    return fail(ErrorCode::unavailable, std::move(why));
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
  Result<void> linked;
  for (size_t i = 0; i < outputs && linked; ++i) linked = attach_segmenter(i);
  if (!linked) {
    if (appsrc_) gst_object_unref(appsrc_);
    appsrc_ = nullptr;
    gst_object_unref(pipeline_);
    pipeline_ = nullptr;
    return linked;
  }
  if (!output_.ladder.empty()) watch_raw_video();

  GstBus* bus = gst_element_get_bus(pipeline_);
  bus_watch_ = gst_bus_add_watch(bus, &BroadcastPipeline::on_bus_message, this);
  gst_object_unref(bus);

  started_at_ = std::chrono::steady_clock::now();
  started_unix_ms_ = g_get_real_time() / 1000;
  set_state(PipelineState::starting);
  if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    stop(std::chrono::milliseconds(0));
    set_state(PipelineState::failed);
    return fail(ErrorCode::unavailable, "pipeline refused to start (see the log above)");
  }
  if (!output_.ladder.empty()) {
    std::string rungs;
    for (const auto& r : output_.ladder) rungs += (rungs.empty() ? "" : ", ") + r.name;
    log("streaming")->info("broadcast {}: ABR pipeline started ({} in, ladder {}, HLS {} s segments)", id_,
                           std::holds_alternative<TestSourceConfig>(source_) ? "test source"
                           : std::holds_alternative<FlvPushSource>(source_)  ? "FLV"
                                                                             : "MPEG-TS",
                           rungs, output_.segment_seconds);
  } else if (const auto* test = std::get_if<TestSourceConfig>(&source_)) {
    log("streaming")->info("broadcast {}: test pipeline started ({}x{}@{}, {} kbps, HLS {} s segments)",
                           id_, test->width, test->height, test->fps, test->video_bitrate_kbps,
                           output_.segment_seconds);
  } else {
    log("streaming")->info("broadcast {}: passthrough pipeline started ({} in, HLS {} s segments)",
                           id_, std::holds_alternative<FlvPushSource>(source_) ? "FLV" : "MPEG-TS",
                           output_.segment_seconds);
  }
  return ok();
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
        on_fragment_message(msg);
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

std::string BroadcastPipeline::output_dir(size_t rendition) const {
  return output_.ladder.empty() ? output_.dir : output_.dir + "/" + output_.ladder[rendition].name;
}

// Output i: queues "vq"/"aq" into mpegtsmux "mux" ! multifilesink "hls" without a ladder,
// "vq<i>"/"aq<i>" into "mux<i>" ! "hls<i>" with one.
Result<void> BroadcastPipeline::attach_segmenter(size_t rendition) {
  const std::string suffix = output_.ladder.empty() ? "" : std::to_string(rendition);
  GstElement* mux = gst_element_factory_make("mpegtsmux", ("mux" + suffix).c_str());
  GstElement* sink = gst_element_factory_make("multifilesink", ("hls" + suffix).c_str());
  if (!sink || !mux) {
    if (sink) gst_object_unref(sink);
    if (mux) gst_object_unref(mux);
    return fail(ErrorCode::unavailable, "multifilesink or mpegtsmux missing");
  }
  // No packet alignment: with alignment=7 the muxer keeps up to 6 packets back, and they would
  // land after a cut, in the next file (the end of one PES in another segment).
  g_object_set(sink, "location", (output_dir(rendition) + "/" + output_.segment_prefix + "%05d.ts").c_str(),
               "post-messages", TRUE, "sync", FALSE, "async", FALSE, nullptr);
  gst_util_set_object_arg(G_OBJECT(sink), "next-file", "key-unit-event");  // cuts: keyframe_cuts.h
  gst_bin_add_many(GST_BIN(pipeline_), mux, sink, nullptr);
  bool linked = gst_element_link(mux, sink);
  GstPad* outs[2] = {nullptr, nullptr};  // video, audio
  for (int i = 0; i < 2; ++i) {
    GstElement* queue = gst_bin_get_by_name(GST_BIN(pipeline_), ((i == 0 ? "vq" : "aq") + suffix).c_str());
    outs[i] = queue ? gst_element_get_static_pad(queue, "src") : nullptr;
    GstPad* dst = gst_element_request_pad_simple(mux, "sink_%d");
    linked = linked && outs[i] && dst && gst_pad_link(outs[i], dst) == GST_PAD_LINK_OK;
    if (dst) gst_object_unref(dst);  // the muxer keeps its request pad until it is disposed
    if (queue) gst_object_unref(queue);
  }
  if (linked) {
    // A ladder's rungs are held back once, before its tees (watch_raw_video()), so they start
    // on the same frame; here only a passthrough output. The gate's probe goes first: the cuts
    // never see the frames it drops.
    if (output_.ladder.empty()) start_video_with_audio(outs[0], outs[1], kMaxAudioWait);
    cut_on_keyframes(outs[0], static_cast<GstClockTime>(output_.segment_seconds) * GST_SECOND,
                     &outputs_[rendition].first_keyframe);
  }
  for (GstPad* pad : outs)
    if (pad) gst_object_unref(pad);
  if (!linked) return fail(ErrorCode::internal, "cannot link the segmenter");
  return ok();
}

void BroadcastPipeline::watch_raw_video() {
  std::vector<RungFilter> rungs;
  for (size_t i = 0; i < output_.ladder.size(); ++i) {
    GstElement* filter = gst_bin_get_by_name(GST_BIN(pipeline_), ("size" + std::to_string(i)).c_str());
    rungs.push_back({.height = output_.ladder[i].height, .filter = filter});
    gst_object_unref(filter);  // the bin keeps it, and outlives the probe
  }
  GstElement* tee = gst_bin_get_by_name(GST_BIN(pipeline_), "vt");
  GstElement* audio_tee = gst_bin_get_by_name(GST_BIN(pipeline_), "at");
  GstPad* sink = gst_element_get_static_pad(tee, "sink");
  GstPad* audio_sink = gst_element_get_static_pad(audio_tee, "sink");
  GstPad* raw = gst_pad_get_peer(sink);
  GstPad* audio = gst_pad_get_peer(audio_sink);
  // Raw frames are all "keyframes" to the gate: every rung starts on the first frame after the
  // audio, and its encoder makes that a keyframe.
  start_video_with_audio(raw, audio, kMaxAudioWait);
  drive_rungs(raw, std::move(rungs), static_cast<GstClockTime>(output_.segment_seconds) * GST_SECOND);
  gst_object_unref(audio);
  gst_object_unref(raw);
  gst_object_unref(audio_sink);
  gst_object_unref(sink);
  gst_object_unref(audio_tee);
  gst_object_unref(tee);
}

RenditionFormat BroadcastPipeline::encoded_format(size_t rendition) const {
  RenditionFormat f;
  GstElement* parse = gst_bin_get_by_name(GST_BIN(pipeline_), ("parse" + std::to_string(rendition)).c_str());
  GstPad* pad = parse ? gst_element_get_static_pad(parse, "src") : nullptr;
  GstCaps* caps = pad ? gst_pad_get_current_caps(pad) : nullptr;
  if (const GstStructure* st = caps ? gst_caps_get_structure(caps, 0) : nullptr) {
    gst_structure_get_int(st, "width", &f.width);
    gst_structure_get_int(st, "height", &f.height);
    gst_structure_get_fraction(st, "framerate", &f.fps_num, &f.fps_den);
    const gchar* profile = gst_structure_get_string(st, "profile");
    const gchar* level = gst_structure_get_string(st, "level");
    f.codecs = avc_codecs(profile ? profile : "main", level ? level : "");
  }
  if (caps) gst_caps_unref(caps);
  if (pad) gst_object_unref(pad);
  if (parse) gst_object_unref(parse);
  return f;
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
void BroadcastPipeline::on_fragment_message(GstMessage* message) {
  const GstStructure* st = gst_message_get_structure(message);
  if (!st || !gst_structure_has_name(st, "GstMultiFileSink")) return;
  // Which output: "hls" alone, or "hls<i>" with a ladder.
  size_t rendition = 0;
  if (!output_.ladder.empty()) {
    const char* sink = GST_OBJECT_NAME(GST_MESSAGE_SRC(message));
    rendition = static_cast<size_t>(std::strtoul(sink + std::min<size_t>(3, std::strlen(sink)), nullptr, 10));
    if (rendition >= output_.ladder.size()) return;
  }
  Output& out = outputs_[rendition];
  GstClockTime end = GST_CLOCK_TIME_NONE;
  gst_structure_get_clock_time(st, "running-time", &end);
  const gchar* location = gst_structure_get_string(st, "filename");
  if (!location || !GST_CLOCK_TIME_IS_VALID(end)) return;
  GstClockTime start = out.segment_start;
  if (!GST_CLOCK_TIME_IS_VALID(start)) start = out.first_keyframe.load();
  if (!GST_CLOCK_TIME_IS_VALID(start) || end <= start) return;  // nothing playable in it
  out.segment_start = end;
  gchar* name = g_path_get_basename(location);
  PlaylistSegment segment;
  segment.uri = name;
  g_free(name);
  segment.duration = static_cast<double>(end - start) / GST_SECOND;
  segment.start_unix_ms = started_unix_ms_ + static_cast<int64_t>(start / GST_MSECOND);
  if (!output_.ladder.empty() && !out.format_reported) {
    out.format_reported = true;
    listener_.on_rendition_format(id_, rendition, encoded_format(rendition));
  }
  if (rendition == 0 && ++segments_ == 1) set_state(PipelineState::live);
  listener_.on_segment(id_, rendition, std::move(segment));
}

gboolean BroadcastPipeline::on_bus_message(GstBus*, GstMessage* message, gpointer data) {
  auto* self = static_cast<BroadcastPipeline*>(data);
  guarded(Boundary::media, "a pipeline bus message", [&] { self->handle_bus_message(message); });
  return G_SOURCE_CONTINUE;
}

void BroadcastPipeline::handle_bus_message(GstMessage* message) {
  BroadcastPipeline* self = this;
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
      self->on_fragment_message(message);
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
}

}  // namespace livegate::streaming
