#include "livegate/server/broadcast/broadcast.h"

#include <glib.h>

namespace livegate::server {

const char* state_name(BroadcastState state) {
  switch (state) {
    case BroadcastState::starting:
      return "starting";
    case BroadcastState::waiting:
      return "waiting";
    case BroadcastState::live:
      return "live";
    case BroadcastState::reconnecting:
      return "reconnecting";
    case BroadcastState::ended:
      return "ended";
  }
  return "starting";
}

const char* source_name(Source source) {
  switch (source) {
    case Source::none:
      return "none";
    case Source::fallback:
      return "fallback";
    case Source::publisher:
      return "publisher";
    case Source::slate:
      return "slate";
  }
  return "none";
}

const char* transport_name(Transport transport) {
  switch (transport) {
    case Transport::rtmp:
      return "rtmp";
    case Transport::srt:
      return "srt";
    case Transport::whip:
      return "whip";
  }
  return "rtmp";
}

Broadcast::Broadcast(BroadcastConfig config)
    : config_(std::move(config)), opened_ms_(g_get_real_time() / 1000) {}

std::string Broadcast::hls_url() const {
  if (state_ == BroadcastState::ended) return "/vod/" + config_.id + "/index.m3u8";
  return "/live/" + config_.id + (config_.abr.empty() ? "/index.m3u8" : "/master.m3u8");
}

bool Broadcast::media_failed() const {
  if (pipeline_ && pipeline_->state() == streaming::PipelineState::failed) return true;
  return config_.fallback_test_source && !pipeline_ && state_ != BroadcastState::ended;
}

nlohmann::json broadcast_summary(const Broadcast& b, bool with_program) {
  const BroadcastConfig& c = b.config();
  nlohmann::json summary = {{"id", c.id},
                            {"title", c.title},
                            {"seller", c.seller},
                            {"mode", mode_name(c.mode)},
                            {"state", state_name(b.state())},
                            {"currency", c.currency},
                            {"hls", b.hls_url()},
                            {"replay", "/vod/" + c.id + "/index.m3u8"}};
  if (with_program && !c.program.empty())
    summary["program"] = program_json(c.program, b.opened_ms());
  return summary;
}

}  // namespace livegate::server
