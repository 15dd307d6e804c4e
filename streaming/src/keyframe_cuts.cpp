#include "keyframe_cuts.h"

#include <gst/video/video.h>

namespace livegate::streaming {

namespace {

struct CutState {
  GstClockTime duration;
  std::atomic<GstClockTime>* first_keyframe;
  GstClockTime segment_start = GST_CLOCK_TIME_NONE;
  guint count = 0;
};

GstClockTime running_time_of(GstPad* pad, GstClockTime t, GstClockTime* stream_time) {
  GstEvent* sticky = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
  if (!sticky) {
    *stream_time = t;
    return t;
  }
  const GstSegment* segment = nullptr;
  gst_event_parse_segment(sticky, &segment);
  const GstClockTime running = gst_segment_to_running_time(segment, GST_FORMAT_TIME, t);
  *stream_time = gst_segment_to_stream_time(segment, GST_FORMAT_TIME, t);
  gst_event_unref(sticky);
  return running;
}

GstPadProbeReturn on_video_buffer(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto* state = static_cast<CutState*>(data);
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (!buffer || GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT)) return GST_PAD_PROBE_OK;
  const GstClockTime pts = GST_BUFFER_PTS(buffer);
  if (!GST_CLOCK_TIME_IS_VALID(pts)) return GST_PAD_PROBE_OK;
  GstClockTime stream_time = GST_CLOCK_TIME_NONE;
  const GstClockTime running = running_time_of(pad, pts, &stream_time);
  if (!GST_CLOCK_TIME_IS_VALID(state->segment_start)) {
    state->segment_start = running;  // the first keyframe opens the first segment
    state->first_keyframe->store(running);
    return GST_PAD_PROBE_OK;
  }
  // 3 % slack: 30 frames at 29.97 fps are still "one second".
  if (running < state->segment_start ||
      running - state->segment_start < state->duration - state->duration / 33) {
    return GST_PAD_PROBE_OK;
  }
  state->segment_start = running;
  gst_pad_push_event(pad, gst_video_event_new_downstream_force_key_unit(pts, stream_time, running, TRUE,
                                                                        ++state->count));
  return GST_PAD_PROBE_OK;
}

}  // namespace

void cut_on_keyframes(GstPad* video_pad, GstClockTime segment_duration, std::atomic<GstClockTime>* first_keyframe) {
  auto* state = new CutState{.duration = segment_duration, .first_keyframe = first_keyframe};
  gst_pad_add_probe(video_pad, GST_PAD_PROBE_TYPE_BUFFER, &on_video_buffer, state,
                    [](gpointer data) { delete static_cast<CutState*>(data); });
}

}  // namespace livegate::streaming
