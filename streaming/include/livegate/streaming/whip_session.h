#pragma once
// One WHIP publisher (a browser going live from its camera): webrtcbin receives its VP8 or H.264
// and Opus, which are decoded and encoded to H.264 + AAC at a steady frame rate and keyframe
// interval (browsers send keyframes only when asked, and HLS segments need them on a beat), then
// muxed to MPEG-TS. The TS bytes go to the broadcast exactly like an SRT caller's.
//
// webrtcbin works on its own threads; everything reported here reaches Events on the loop.
// Non-trickle ICE: the answer is given once candidate gathering is complete, with the candidates.

#include <gst/gst.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "livegate/common/event_loop.h"
#include "livegate/streaming/whip_offer.h"

namespace livegate::streaming {

struct WhipMediaConfig {
  std::vector<std::string> ice_addresses;  // local addresses ICE gathers on; empty = every interface
  int min_port = 0;                        // UDP port range for ICE; 0 = any
  int max_port = 0;
  int fps = 30;                            // the frame rate HLS gets (browsers vary theirs)
  int video_bitrate_kbps = 2500;
  int audio_bitrate_kbps = 128;
  int keyframe_seconds = 2;                // one keyframe per HLS segment
};

class WhipSession {
 public:
  struct Events {  // all run on the loop
    std::function<void(const std::string& answer_sdp)> answered;
    std::function<void(std::string&& ts_bytes)> data;
    std::function<void(const std::string& why)> ended;  // at most once
  };

  WhipSession(EventLoop& loop, std::string name, WhipOffer offer, WhipMediaConfig config, Events events);
  WhipSession(const WhipSession&) = delete;
  WhipSession& operator=(const WhipSession&) = delete;
  ~WhipSession();

  // Builds the pipeline and hands webrtcbin the offer; false with a reason if that fails.
  bool start(const std::string& offer_sdp, std::string* error);
  // Stops the media (blocks only while GStreamer joins its threads).
  void stop();

  const std::string& name() const { return name_; }
  std::string launch_description() const;

 private:
  // On webrtcbin's threads:
  static void on_remote_description_set(GstPromise* promise, gpointer self);
  static void on_answer_created(GstPromise* promise, gpointer self);
  static void on_local_description_set(GstPromise* promise, gpointer self);
  static void on_pad_added(GstElement* webrtc, GstPad* pad, gpointer self);
  static void on_gathering_state(GObject* webrtc, GParamSpec*, gpointer self);
  static void on_connection_state(GObject* webrtc, GParamSpec*, gpointer self);
  static GstFlowReturn on_sample(GstElement* sink, gpointer self);
  static GstFlowReturn take_sample(GstElement* sink, gpointer self);  // on_sample's work (guarded)
  static gboolean on_bus_message(GstBus* bus, GstMessage* message, gpointer self);
  void handle_bus_message(GstMessage* message);  // on_bus_message's work (guarded)
  void maybe_answer();
  void post_ended(std::string why);

  EventLoop& loop_;
  std::string name_;
  WhipOffer offer_;
  WhipMediaConfig config_;
  Events events_;
  GstElement* pipeline_ = nullptr;
  GstElement* webrtc_ = nullptr;
  guint bus_watch_ = 0;
  std::atomic<bool> local_description_set_{false};
  std::atomic<bool> answered_{false};
  std::atomic<bool> ended_{false};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace livegate::streaming
