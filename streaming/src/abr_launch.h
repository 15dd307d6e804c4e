#pragma once
// The ABR part of a pipeline's launch line, private to streaming/.

#include <string>
#include <vector>

#include "livegate/streaming/abr_ladder.h"

namespace livegate::streaming {

// A pushed source's frame rate is unknown when the pipeline is built, and x264enc takes
// key-int-max only before it starts. The keyframe grid comes from abr_rungs.h's force-key-unit
// events instead; key-int-max sized for up to this rate is only a safety net that never fires
// before the grid does.
inline constexpr int kMaxPushFps = 60;

// Needs register_sws_scale() (sws_scale.h) first. Branches fed by raw I420 video on tee "vt" and AAC on tee "at". Rung i:
//   vt. ! queue ! lgswscale ! capsfilter name=size<i> ! x264enc name=venc<i>
//       ! h264parse name=parse<i> ! queue name=vq<i>        at. ! queue name=aq<i>
// The capsfilters are left open: drive_rungs() (abr_rungs.h) sets each one's size once the
// source's is known.
std::string abr_branches(const std::vector<Rendition>& ladder, int keyframe_interval);

}  // namespace livegate::streaming
