#pragma once
// Where HLS segments are cut, decided here instead of by splitmuxsink. splitmuxsink decides to
// split only when the GOP *after* a segment is complete (it must know that GOP's size first),
// so every segment reached viewers one GOP late: +1 s of latency with 1 s GOPs, more with
// longer ones (measured: first segment 2.8 s after publishing vs nginx-rtmp's 1.7 s). Instead,
// a probe on the video going into mpegtsmux sends a downstream force-key-unit event just before
// the keyframe that starts the next segment; mpegtsmux passes it on in stream order (with fresh
// PAT/PMT after it) and multifilesink (next-file=key-unit-event) closes the file right there.
// The segment is closed as soon as its last frame is muxed.

#include <gst/gst.h>

#include <atomic>

namespace livegate::streaming {

// video_pad: the pad feeding mpegtsmux's video sink pad. first_keyframe: set to the running
// time of the first keyframe (where the first segment starts). The probe dies with the pad.
void cut_on_keyframes(GstPad* video_pad, GstClockTime segment_duration,
                      std::atomic<GstClockTime>* first_keyframe);

}  // namespace livegate::streaming
