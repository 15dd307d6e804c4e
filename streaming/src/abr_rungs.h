#pragma once
// What an ABR pipeline does to the raw video just before its tee, private to streaming/:
//  - sizes: when the source's caps pass, each rung's capsfilter gets its frame size (the rung's
//    height or the source's, the width from the source's aspect ratio), before the caps reach
//    the scalers;
//  - one keyframe grid: every segment_duration of running time a downstream force-key-unit
//    event goes through the tee ahead of the frame on the grid, so every rung's x264enc makes
//    that same frame a keyframe. The rungs then cut their segments (keyframe_cuts.h) on the same
//    frames whatever the source's frame rate, which players need to switch between them.

#include <gst/gst.h>

#include <vector>

namespace livegate::streaming {

struct RungFilter {
  int height = 0;
  GstElement* filter = nullptr;  // the rung's capsfilter; owned by the pipeline
};

// raw_video: the src pad that feeds the tee. The probe dies with the pad.
void drive_rungs(GstPad* raw_video, std::vector<RungFilter> rungs, GstClockTime segment_duration);

}  // namespace livegate::streaming
