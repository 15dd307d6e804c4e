#include "abr_launch.h"

namespace livegate::streaming {

std::string abr_branches(const std::vector<Rendition>& ladder, int keyframe_interval) {
  std::string out;
  for (size_t i = 0; i < ladder.size(); ++i) {
    const std::string n = std::to_string(i);
    // Why each setting:
    //  - queue before the scaler: every rung scales and encodes on its own thread. Small and
    //    by buffers (raw 1080p frames are 3 MB); never leaky, so no rung skips a frame the
    //    others encode: that would shift its keyframes.
    //  - lgswscale, libswscale bilinear (sws_scale.h): 4x cheaper than videoscale here.
    //  - scenecut=0 and key-int-max >= the segment in frames: keyframes only where
    //    drive_rungs() asks for them, on the segment grid, the same frames in every rung.
    //  - I420 comes from before the tee; profile=main as in the single-encode pipeline
    //    (browsers cannot play x264's default High 4:4:4).
    out += "vt. ! queue name=vin" + n + " max-size-buffers=8 max-size-bytes=0 max-size-time=0 "
           "! lgswscale name=scale" + n + " ! capsfilter name=size" + n + " "
           "! x264enc name=venc" + n + " tune=zerolatency speed-preset=veryfast bframes=0 "
           "bitrate=" + std::to_string(ladder[i].video_bitrate_kbps) +
           " key-int-max=" + std::to_string(keyframe_interval) + " option-string=scenecut=0 "
           "! video/x-h264,profile=main ! h264parse name=parse" + n + " config-interval=-1 ! queue name=vq" + n + " ";
    // mpegtsmux interleaves by timestamp: audio waits here while its rung's video is decoded,
    // scaled and encoded. Generous (5 s, not a default queue's 1 s) so that a rung running
    // late on a busy machine never fills it: a full audio queue blocks the tee, the demuxer
    // and with it every rung's video.
    out += "at. ! queue name=aq" + n + " max-size-time=5000000000 max-size-buffers=0 max-size-bytes=0 ";
  }
  return out;
}

}  // namespace livegate::streaming
