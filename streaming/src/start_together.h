#pragma once
// Holds a broadcast's video back until its audio flows, so the first HLS segment already has
// both tracks. A player (hls.js) makes its buffers from the first segment it loads: a video-only
// first segment followed by audio+video ones failed every append ("the audio SourceBuffer does
// not exist"), so a viewer who opened a WHIP broadcast in its first seconds never saw a picture
// (its audio, Opus re-encoded to AAC, reaches the demuxer a few hundred milliseconds after the
// video; an RTMP or SRT publisher's may too).
//
// Video before the first audio buffer is dropped, and so is audio until video resumes, at the
// next keyframe (the stream still starts decodable; passthrough waits for the publisher's next
// one). No keyframe is asked for: an upstream request reaches a ladder's encoders as one
// downstream request, after which GstVideoEncoder ignored the rungs' own keyframe clock. If no audio comes within max_wait of video,
// video goes on alone and the muxer's audio pad is released (a video-only publisher stalled the
// muxer for ever before this). Audio that starts after that is dropped: the broadcast stays
// video-only until its publisher reconnects. A ladder's muxers are behind tees and still wait
// for audio (a video-only publisher needs a passthrough broadcast).

#include <gst/gst.h>

#include <chrono>

namespace livegate::streaming {

// video_pad and audio_pad: pads the two tracks pass (before a muxer: H.264 with keyframes marked;
// before a ladder's tees: raw frames, each of which may start). The video probe stays for the
// pad's life and costs a flag test per buffer after the start; the audio probe goes with the
// first buffer after it.
void start_video_with_audio(GstPad* video_pad, GstPad* audio_pad, std::chrono::milliseconds max_wait);

}  // namespace livegate::streaming
