#include "abr_rungs.h"

#include <gst/video/video.h>

#include "livegate/streaming/abr_ladder.h"

namespace livegate::streaming {

namespace {

struct RungState {
  std::vector<RungFilter> rungs;
  GstClockTime duration;
  GstClockTime next_keyframe = GST_CLOCK_TIME_NONE;  // running time of the next grid point
  guint count = 0;
};

void size_rungs(const RungState& state, GstEvent* caps_event) {
  GstCaps* caps = nullptr;
  gst_event_parse_caps(caps_event, &caps);
  const GstStructure* st = caps ? gst_caps_get_structure(caps, 0) : nullptr;
  int width = 0, height = 0, par_n = 1, par_d = 1;
  if (!st || !gst_structure_get_int(st, "width", &width) || !gst_structure_get_int(st, "height", &height)) return;
  gst_structure_get_fraction(st, "pixel-aspect-ratio", &par_n, &par_d);
  for (const auto& rung : state.rungs) {
    const Size size = scaled_size(width, height, par_n, par_d, rung.height);
    GstCaps* rung_caps = gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, size.width, "height", G_TYPE_INT,
                                             size.height, "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, nullptr);
    g_object_set(rung.filter, "caps", rung_caps, nullptr);
    gst_caps_unref(rung_caps);
  }
}

GstPadProbeReturn on_raw_video(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto* state = static_cast<RungState*>(data);
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
    if (event && GST_EVENT_TYPE(event) == GST_EVENT_CAPS) size_rungs(*state, event);
    return GST_PAD_PROBE_OK;
  }
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (!buffer || !GST_BUFFER_PTS_IS_VALID(buffer)) return GST_PAD_PROBE_OK;
  const GstClockTime pts = GST_BUFFER_PTS(buffer);
  GstClockTime running = pts, stream_time = pts;
  if (GstEvent* sticky = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0)) {
    const GstSegment* segment = nullptr;
    gst_event_parse_segment(sticky, &segment);
    running = gst_segment_to_running_time(segment, GST_FORMAT_TIME, pts);
    stream_time = gst_segment_to_stream_time(segment, GST_FORMAT_TIME, pts);
    gst_event_unref(sticky);
  }
  if (!GST_CLOCK_TIME_IS_VALID(running)) return GST_PAD_PROBE_OK;
  if (!GST_CLOCK_TIME_IS_VALID(state->next_keyframe)) {
    // Every encoder starts with a keyframe anyway: the grid starts at the first frame.
    state->next_keyframe = running + state->duration;
    return GST_PAD_PROBE_OK;
  }
  // Half a frame of slack at 60 fps: 29.97 fps timestamps land a hair before the grid point.
  if (running + 8 * GST_MSECOND < state->next_keyframe) return GST_PAD_PROBE_OK;
  // The grid keeps its phase; after a gap (a stalled source) it restarts from this frame.
  state->next_keyframe += state->duration;
  if (state->next_keyframe <= running) state->next_keyframe = running + state->duration;
  gst_pad_push_event(pad, gst_video_event_new_downstream_force_key_unit(pts, stream_time, running, TRUE,
                                                                        ++state->count));
  return GST_PAD_PROBE_OK;
}

}  // namespace

void drive_rungs(GstPad* raw_video, std::vector<RungFilter> rungs, GstClockTime segment_duration) {
  auto* state = new RungState{.rungs = std::move(rungs), .duration = segment_duration};
  gst_pad_add_probe(raw_video,
                    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                    &on_raw_video, state, [](gpointer data) { delete static_cast<RungState*>(data); });
}

}  // namespace livegate::streaming
