#include "start_together.h"

#include <gst/video/video.h>

#include <atomic>
#include <memory>

namespace livegate::streaming {
namespace {

struct StartState {
  GWeakRef video_pad;  // the audio probe asks it for a keyframe; weak: the pad holds this state
  GstClockTime max_wait = 0;
  std::atomic<bool> audio_seen{false};
  std::atomic<bool> open{false};  // video passes from here on
  GstClockTime first_video = GST_CLOCK_TIME_NONE;  // touched by the video thread only
  explicit StartState(GstPad* video) { g_weak_ref_init(&video_pad, video); }
  ~StartState() { g_weak_ref_clear(&video_pad); }
  StartState(const StartState&) = delete;
  StartState& operator=(const StartState&) = delete;
};

using Shared = std::shared_ptr<StartState>;

void forget(gpointer data) { delete static_cast<Shared*>(data); }

GstPadProbeReturn on_video(GstPad*, GstPadProbeInfo* info, gpointer data) {
  StartState& s = **static_cast<Shared*>(data);
  if (s.open.load(std::memory_order_relaxed)) return GST_PAD_PROBE_OK;
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  const bool keyframe = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  const GstClockTime pts = GST_BUFFER_PTS(buffer);
  if (s.first_video == GST_CLOCK_TIME_NONE) s.first_video = pts;
  const bool waited_enough = GST_CLOCK_TIME_IS_VALID(pts) && GST_CLOCK_TIME_IS_VALID(s.first_video) &&
                             pts >= s.first_video + s.max_wait;
  if (keyframe && (s.audio_seen.load() || waited_enough)) {
    s.open = true;
    return GST_PAD_PROBE_OK;
  }
  return GST_PAD_PROBE_DROP;
}

GstPadProbeReturn on_audio(GstPad*, GstPadProbeInfo*, gpointer data) {
  StartState& s = **static_cast<Shared*>(data);
  if (!s.audio_seen.exchange(true) && !s.open.load()) {
    // The video's next keyframe could be a whole keyframe interval away: ask for one now.
    if (auto* video = static_cast<GstPad*>(g_weak_ref_get(&s.video_pad))) {
      gst_pad_send_event(video, gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
      gst_object_unref(video);
    }
  }
  return GST_PAD_PROBE_REMOVE;  // one buffer is all it needs to know
}

}  // namespace

void start_video_with_audio(GstPad* video_pad, GstPad* audio_pad, std::chrono::milliseconds max_wait) {
  auto state = std::make_shared<StartState>(video_pad);
  state->max_wait = static_cast<GstClockTime>(max_wait.count()) * GST_MSECOND;
  gst_pad_add_probe(video_pad, GST_PAD_PROBE_TYPE_BUFFER, on_video, new Shared(state), forget);
  gst_pad_add_probe(audio_pad, GST_PAD_PROBE_TYPE_BUFFER, on_audio, new Shared(state), forget);
}

}  // namespace livegate::streaming
