#pragma once
// "lgswscale": an I420 scaler element backed by FFmpeg's libswscale, registered in-process (no
// plugin file). Why not videoscale: on this machine videoscale (bilinear, I420) takes 2.2 ms to
// bring a 720p frame to 480p where libswscale takes 0.55 ms (measured with gst-launch and
// ffmpeg -f null on the same frames). With two scaled rungs at 30 fps that alone was ~10 % of a
// core, the whole gap to the ffmpeg CLI in tests/bench/abr_cpu.sh. Bilinear, as both do.

namespace livegate::streaming {

// Makes "lgswscale" available to gst_parse_launch. Idempotent, thread-safe.
void register_sws_scale();

}  // namespace livegate::streaming
