#include "start_together.h"


#include <atomic>
#include <memory>

#include "livegate/common/log.h"

namespace livegate::streaming {
namespace {

struct StartState {
  // Weak: the pad holds this state. The video probe releases the audio's muxer pad when no
  // audio came.
  GWeakRef audio_pad;
  gint64 max_wait_us = 0;
  std::atomic<bool> audio_seen{false};
  std::atomic<bool> open{false};  // video passes from here on
  // When the first video arrived, on the monotonic clock (not the buffers' timestamps, which a
  // publisher may leave unset). Touched by the video thread only.
  gint64 first_video_us = -1;
  explicit StartState(GstPad* audio) { g_weak_ref_init(&audio_pad, audio); }
  ~StartState() { g_weak_ref_clear(&audio_pad); }
  StartState(const StartState&) = delete;
  StartState& operator=(const StartState&) = delete;
};

using Shared = std::shared_ptr<StartState>;

void forget(gpointer data) { delete static_cast<Shared*>(data); }

// No audio track (a publisher without a microphone): a muxer fed by audio_pad waits for that
// pad's first buffer for ever (its latency query fails on a branch with no source, so it never
// times out), and an EOS on a pad without caps is an error to mpegtsmux. So its request pad is
// released: the muxer goes on with video alone, and its PMT lists no audio. A ladder's audio
// (audio_pad feeding a tee) has no muxer pad here; each rung's muxer would wait as before.
void let_the_muxer_go_without(GstPad* audio_pad) {
  GstPad* peer = gst_pad_get_peer(audio_pad);
  if (!peer) return;
  GstElement* muxer = gst_pad_get_parent_element(peer);
  GstPadTemplate* kind = GST_PAD_PAD_TEMPLATE(peer);
  if (muxer && kind && GST_PAD_TEMPLATE_PRESENCE(kind) == GST_PAD_REQUEST) {
    // Audio that starts after all is dropped (first, so none slips through): pushed into the
    // unlinked pad it would be a not-linked error, which fails the whole pipeline.
    gst_pad_add_probe(audio_pad, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM,
                      [](GstPad*, GstPadProbeInfo*, gpointer) { return GST_PAD_PROBE_DROP; }, nullptr, nullptr);
    gst_pad_unlink(audio_pad, peer);
    gst_element_release_request_pad(muxer, peer);
    GstObject* pipeline = GST_OBJECT_PARENT(muxer);
    log("streaming")->warn("{}: no audio within the first seconds: video only from here on (audio that "
                           "starts later is dropped until the publisher reconnects)",
                           pipeline ? GST_OBJECT_NAME(pipeline) : GST_OBJECT_NAME(muxer));
  }
  if (muxer) gst_object_unref(muxer);
  gst_object_unref(peer);
}

GstPadProbeReturn on_video(GstPad*, GstPadProbeInfo* info, gpointer data) {
  StartState& s = **static_cast<Shared*>(data);
  if (s.open.load(std::memory_order_relaxed)) return GST_PAD_PROBE_OK;
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  const bool keyframe = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  const gint64 now = g_get_monotonic_time();
  if (s.first_video_us < 0) s.first_video_us = now;
  const bool waited_enough = now - s.first_video_us >= s.max_wait_us;
  if (!keyframe) return GST_PAD_PROBE_DROP;
  if (s.audio_seen.load()) {
    s.open = true;
    return GST_PAD_PROBE_OK;
  }
  if (waited_enough) {
    s.open = true;
    if (auto* audio = static_cast<GstPad*>(g_weak_ref_get(&s.audio_pad))) {
      let_the_muxer_go_without(audio);
      gst_object_unref(audio);
    }
    return GST_PAD_PROBE_OK;
  }
  return GST_PAD_PROBE_DROP;
}

GstPadProbeReturn on_audio(GstPad*, GstPadProbeInfo*, gpointer data) {
  StartState& s = **static_cast<Shared*>(data);
  s.audio_seen = true;
  if (s.open.load()) return GST_PAD_PROBE_REMOVE;  // one buffer after the start is all it needs
  // Audio before the video starts is dropped too: a muxer would hold it while it waits for
  // video, the queues behind it would fill, the demuxer would block, and the keyframe the video
  // waits for would never come.
  return GST_PAD_PROBE_DROP;
}

}  // namespace

void start_video_with_audio(GstPad* video_pad, GstPad* audio_pad, std::chrono::milliseconds max_wait) {
  auto state = std::make_shared<StartState>(audio_pad);
  state->max_wait_us = static_cast<gint64>(max_wait.count()) * 1000;
  gst_pad_add_probe(video_pad, GST_PAD_PROBE_TYPE_BUFFER, on_video, new Shared(state), forget);
  gst_pad_add_probe(audio_pad, GST_PAD_PROBE_TYPE_BUFFER, on_audio, new Shared(state), forget);
}

}  // namespace livegate::streaming
