#include "livegate/streaming/whip_session.h"

#define GST_USE_UNSTABLE_API  // webrtc headers warn without it
#include <gst/app/gstappsink.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

#include "livegate/common/guard.h"
#include "livegate/common/log.h"

namespace livegate::streaming {

WhipSession::WhipSession(EventLoop& loop, std::string name, WhipOffer offer, WhipMediaConfig config,
                         Events events)
    : loop_(loop),
      name_(std::move(name)),
      offer_(std::move(offer)),
      config_(std::move(config)),
      events_(std::move(events)) {}

WhipSession::~WhipSession() {
  *alive_ = false;
  stop();
}

std::string WhipSession::launch_description() const {
  const std::string depay = offer_.video_codec == WhipVideoCodec::h264
                                ? "rtph264depay name=vdepay request-keyframe=true ! h264parse ! avdec_h264 "
                                : "rtpvp8depay name=vdepay request-keyframe=true ! vp8dec ";
  const std::string audio_in = offer_.audio ? "rtpopusdepay name=adepay ! opusdec plc=true "
                                            // HLS players expect sound; a silent camera gets silence.
                                            : "audiotestsrc is-live=true wave=silence ";
  // videorate makes a constant frame rate so key-int-max is a fixed time; the encoder settings
  // are the test source's (see broadcast_pipeline.cpp for why each is there).
  return "webrtcbin name=webrtc bundle-policy=max-bundle latency=200 " + depay +
         "! videoconvert ! videorate ! video/x-raw,format=I420,framerate=" + std::to_string(config_.fps) +
         "/1 ! queue max-size-buffers=8 "
         "! x264enc tune=zerolatency speed-preset=veryfast bframes=0 bitrate=" +
         std::to_string(config_.video_bitrate_kbps) +
         " key-int-max=" + std::to_string(config_.fps * config_.keyframe_seconds) +
         " option-string=scenecut=0 ! video/x-h264,profile=main ! h264parse config-interval=-1 ! queue ! mux. " + audio_in +
         "! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 "
         "! avenc_aac bitrate=" + std::to_string(config_.audio_bitrate_kbps * 1000) +
         " ! aacparse ! queue ! mux. "
         "mpegtsmux name=mux alignment=7 ! appsink name=out sync=false emit-signals=true";
}

bool WhipSession::start(const std::string& offer_sdp, std::string* error) {
  gst_init(nullptr, nullptr);
  GError* parse_error = nullptr;
  pipeline_ = gst_parse_launch(launch_description().c_str(), &parse_error);
  if (!pipeline_ || parse_error) {
    *error = std::string("cannot build the WHIP pipeline: ") + (parse_error ? parse_error->message : "?");
    if (parse_error) g_error_free(parse_error);
    if (pipeline_) gst_object_unref(pipeline_);
    pipeline_ = nullptr;
    return false;
  }
  webrtc_ = gst_bin_get_by_name(GST_BIN(pipeline_), "webrtc");

  GstWebRTCICE* ice = nullptr;
  g_object_get(webrtc_, "ice-agent", &ice, nullptr);
  if (ice) {
    for (const auto& address : config_.ice_addresses) {
      gboolean ok = FALSE;
      g_signal_emit_by_name(ice, "add-local-ip-address", address.c_str(), &ok);
      if (!ok) log("whip")->warn("{}: ICE cannot use local address {}", name_, address);
    }
    if (config_.min_port > 0) {
      g_object_set(ice, "min-rtp-port", config_.min_port, "max-rtp-port", config_.max_port, nullptr);
    }
    gst_object_unref(ice);
  }
  g_signal_connect(webrtc_, "pad-added", G_CALLBACK(&WhipSession::on_pad_added), this);
  g_signal_connect(webrtc_, "notify::ice-gathering-state", G_CALLBACK(&WhipSession::on_gathering_state), this);
  g_signal_connect(webrtc_, "notify::ice-connection-state", G_CALLBACK(&WhipSession::on_connection_state), this);
  GstElement* out = gst_bin_get_by_name(GST_BIN(pipeline_), "out");
  g_signal_connect(out, "new-sample", G_CALLBACK(&WhipSession::on_sample), this);
  gst_object_unref(out);
  GstBus* bus = gst_pipeline_get_bus(GST_PIPELINE(pipeline_));
  bus_watch_ = gst_bus_add_watch(bus, &WhipSession::on_bus_message, this);
  gst_object_unref(bus);

  if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    *error = "the WHIP pipeline does not start";
    stop();
    return false;
  }
  // Receive-only transceivers that accept exactly the codecs we picked: webrtcbin matches each
  // offered m-line to a compatible one of these, so the answer names one payload per track.
  std::vector<const WhipTrack*> tracks = {&offer_.video};
  if (offer_.audio) tracks.push_back(&*offer_.audio);
  for (const WhipTrack* track : tracks) {
    GstCaps* caps = gst_caps_from_string(track->rtp_caps.c_str());
    GstWebRTCRTPTransceiver* transceiver = nullptr;
    g_signal_emit_by_name(webrtc_, "add-transceiver", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps,
                          &transceiver);
    if (caps) gst_caps_unref(caps);
    if (transceiver) gst_object_unref(transceiver);
  }
  GstSDPMessage* sdp = nullptr;
  if (gst_sdp_message_new_from_text(offer_sdp.c_str(), &sdp) != GST_SDP_OK || !sdp) {
    *error = "the SDP offer cannot be parsed";
    stop();
    return false;
  }
  GstWebRTCSessionDescription* description = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, sdp);
  GstPromise* promise = gst_promise_new_with_change_func(&WhipSession::on_remote_description_set, this, nullptr);
  g_signal_emit_by_name(webrtc_, "set-remote-description", description, promise);
  gst_webrtc_session_description_free(description);
  log("whip")->debug("{}: {}", name_, launch_description());
  return true;
}

void WhipSession::stop() {
  if (!pipeline_) return;
  if (bus_watch_) g_source_remove(bus_watch_);
  bus_watch_ = 0;
  // NULL joins webrtcbin's and the streaming threads; no callback into this object after it.
  gst_element_set_state(pipeline_, GST_STATE_NULL);
  if (webrtc_) gst_object_unref(webrtc_);
  webrtc_ = nullptr;
  gst_object_unref(pipeline_);
  pipeline_ = nullptr;
}

void WhipSession::on_remote_description_set(GstPromise* promise, gpointer data) {
  guarded(Boundary::ingest, "a WHIP offer", [&] {
    auto* self = static_cast<WhipSession*>(data);
    const bool ok = gst_promise_wait(promise) == GST_PROMISE_RESULT_REPLIED &&
                    !(gst_promise_get_reply(promise) &&
                      gst_structure_has_field(gst_promise_get_reply(promise), "error"));
    gst_promise_unref(promise);
    if (!ok) return self->post_ended("webrtcbin refused the offer");
    GstPromise* next = gst_promise_new_with_change_func(&WhipSession::on_answer_created, self, nullptr);
    g_signal_emit_by_name(self->webrtc_, "create-answer", nullptr, next);
  });
}

void WhipSession::on_answer_created(GstPromise* promise, gpointer data) {
  guarded(Boundary::ingest, "a WHIP answer", [&] {
    auto* self = static_cast<WhipSession*>(data);
    GstWebRTCSessionDescription* answer = nullptr;
    if (gst_promise_wait(promise) == GST_PROMISE_RESULT_REPLIED && gst_promise_get_reply(promise)) {
      gst_structure_get(gst_promise_get_reply(promise), "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer,
                        nullptr);
    }
    gst_promise_unref(promise);
    if (!answer) return self->post_ended("webrtcbin made no answer to the offer");
    // Never wait on a promise here: this is webrtcbin's thread, the one that would fulfil it.
    GstPromise* set = gst_promise_new_with_change_func(&WhipSession::on_local_description_set, self, nullptr);
    g_signal_emit_by_name(self->webrtc_, "set-local-description", answer, set);
    gst_webrtc_session_description_free(answer);
  });
}

void WhipSession::on_local_description_set(GstPromise* promise, gpointer data) {
  guarded(Boundary::ingest, "a WHIP answer", [&] {
    auto* self = static_cast<WhipSession*>(data);
    gst_promise_unref(promise);
    self->local_description_set_ = true;
    self->maybe_answer();  // gathering may already be complete
  });
}

void WhipSession::on_gathering_state(GObject*, GParamSpec*, gpointer data) {
  guarded(Boundary::ingest, "WHIP ICE gathering", [&] {
    static_cast<WhipSession*>(data)->maybe_answer();
  });
}

// The answer goes out once, when it is set locally and every candidate is in it.
void WhipSession::maybe_answer() {
  if (!local_description_set_) return;
  GstWebRTCICEGatheringState state = GST_WEBRTC_ICE_GATHERING_STATE_NEW;
  g_object_get(webrtc_, "ice-gathering-state", &state, nullptr);
  if (state != GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE) return;
  if (answered_.exchange(true)) return;
  GstWebRTCSessionDescription* local = nullptr;
  g_object_get(webrtc_, "local-description", &local, nullptr);
  if (!local) return post_ended("no local description after gathering");
  gchar* text = gst_sdp_message_as_text(local->sdp);
  std::string sdp = text ? text : "";
  g_free(text);
  gst_webrtc_session_description_free(local);
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive, sdp = std::move(sdp)] {
    if (auto a = alive.lock(); a && *a) events_.answered(sdp);
  });
}

void WhipSession::on_connection_state(GObject* webrtc, GParamSpec*, gpointer data) {
  guarded(Boundary::ingest, "a WHIP ICE state", [&] {
    GstWebRTCICEConnectionState state = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;
    g_object_get(webrtc, "ice-connection-state", &state, nullptr);
    auto* self = static_cast<WhipSession*>(data);
    if (state == GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED) {
      log("whip")->info("{}: ICE connected", self->name_);
    } else if (state == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED) {
      self->post_ended("ICE failed (no network path to the publisher)");
    } else if (state == GST_WEBRTC_ICE_CONNECTION_STATE_CLOSED) {
      self->post_ended("ICE closed");
    }
  });
}

void WhipSession::on_pad_added(GstElement*, GstPad* pad, gpointer data) {
  guarded(Boundary::ingest, "a WHIP stream", [&] {
    auto* self = static_cast<WhipSession*>(data);
    if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
    GstCaps* caps = gst_pad_get_current_caps(pad);
    if (!caps) caps = gst_pad_query_caps(pad, nullptr);
    const GstStructure* s = gst_caps_get_structure(caps, 0);
    const char* media = gst_structure_get_string(s, "media");
    const bool video = media && std::string_view(media) == "video";
    gst_caps_unref(caps);
    GstElement* depay = gst_bin_get_by_name(GST_BIN(self->pipeline_), video ? "vdepay" : "adepay");
    GstPad* sink = depay ? gst_element_get_static_pad(depay, "sink") : nullptr;
    if (!sink || gst_pad_is_linked(sink) || gst_pad_link(pad, sink) != GST_PAD_LINK_OK) {
      // A stream we did not answer for: drain it instead of failing the pipeline with not-linked.
      GstElement* drop = gst_element_factory_make("fakesink", nullptr);
      gst_bin_add(GST_BIN(self->pipeline_), drop);
      gst_element_sync_state_with_parent(drop);
      GstPad* drop_sink = gst_element_get_static_pad(drop, "sink");
      gst_pad_link(pad, drop_sink);
      gst_object_unref(drop_sink);
      log("whip")->warn("{}: an unexpected {} stream is dropped", self->name_, media ? media : "?");
    } else {
      log("whip")->info("{}: receiving {}", self->name_,
                        video ? to_string(self->offer_.video_codec) : "Opus");
    }
    if (sink) gst_object_unref(sink);
    if (depay) gst_object_unref(depay);
  });
}

GstFlowReturn WhipSession::on_sample(GstElement* sink, gpointer data) {
  // A sample that cannot be handed on is dropped; the stream goes on.
  return guarded_or(Boundary::ingest, "a WHIP sample", GST_FLOW_OK, [&] { return take_sample(sink, data); });
}

GstFlowReturn WhipSession::take_sample(GstElement* sink, gpointer data) {
  auto* self = static_cast<WhipSession*>(data);
  GstSample* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink));
  if (!sample) return GST_FLOW_EOS;
  GstBuffer* buffer = gst_sample_get_buffer(sample);
  GstMapInfo map;
  if (buffer && gst_buffer_map(buffer, &map, GST_MAP_READ)) {
    std::string bytes(reinterpret_cast<const char*>(map.data), map.size);
    gst_buffer_unmap(buffer, &map);
    std::weak_ptr<bool> alive = self->alive_;
    self->loop_.post([self, alive, bytes = std::move(bytes)]() mutable {
      if (auto a = alive.lock(); a && *a) self->events_.data(std::move(bytes));
    });
  }
  gst_sample_unref(sample);
  return GST_FLOW_OK;
}

gboolean WhipSession::on_bus_message(GstBus*, GstMessage* message, gpointer data) {
  auto* self = static_cast<WhipSession*>(data);
  guarded(Boundary::ingest, "a WHIP bus message", [&] { self->handle_bus_message(message); });
  return TRUE;
}

void WhipSession::handle_bus_message(GstMessage* message) {
  WhipSession* self = this;
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError* err = nullptr;
    gchar* debug = nullptr;
    gst_message_parse_error(message, &err, &debug);
    log("whip")->error("{}: {} ({})", self->name_, err ? err->message : "?", debug ? debug : "");
    self->post_ended(std::string("media error: ") + (err ? err->message : "?"));
    if (err) g_error_free(err);
    g_free(debug);
  } else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_EOS) {
    self->post_ended("the stream ended");
  }
}

void WhipSession::post_ended(std::string why) {
  if (ended_.exchange(true)) return;
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive, why = std::move(why)] {
    if (auto a = alive.lock(); a && *a) events_.ended(why);
  });
}

}  // namespace livegate::streaming
