#include "livegate/server/media_router.h"

#include "livegate/common/log.h"

namespace livegate::server {

bool constant_time_equal(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

MediaRouter::MediaRouter(EventLoop& loop, BroadcastMap& broadcasts, const MediaConfig& media,
                         streaming::BroadcastPipeline::Listener& listener)
    : loop_(loop), broadcasts_(broadcasts), media_(media), listener_(listener) {}

bool MediaRouter::start_pipeline(Broadcast& b, streaming::PipelineSource source, std::string* error) {
  streaming::HlsOutputConfig hls{.dir = media_.root + "/live/" + b.config.id,
                                 .segment_seconds = media_.segment_seconds,
                                 .playlist_length = media_.playlist_length,
                                 .max_files = media_.max_files};
  b.pipeline = std::make_unique<streaming::BroadcastPipeline>(loop_, b.config.id, std::move(source),
                                                              hls, listener_);
  if (!b.pipeline->start(error)) {
    b.pipeline.reset();
    return false;
  }
  return true;
}

void MediaRouter::stop_pipeline(Broadcast& b) {
  if (!b.pipeline) return;
  b.pipeline->stop();
  b.pipeline.reset();
}

bool MediaRouter::start_fallbacks(std::string* error) {
  for (auto& [id, b] : broadcasts_) {
    if (!b.config.fallback_test_source) {
      b.state = "waiting";
      continue;
    }
    if (!start_pipeline(b, b.config.source, error)) {
      *error = "broadcast " + id + ": " + *error;
      return false;
    }
  }
  return true;
}

void MediaRouter::stop_all() {
  for (auto& [id, b] : broadcasts_) stop_pipeline(b);
}

streaming::RtmpServer::Callbacks MediaRouter::rtmp_callbacks() {
  return {.authorize = [this](uint64_t c, const std::string& key) { return authorize(c, key); },
          .media = [this](uint64_t c, streaming::FlvTag&& tag) { return on_media(c, std::move(tag)); },
          .ended = [this](uint64_t c, const std::string& why) { on_ended(c, why); }};
}

std::string MediaRouter::authorize(uint64_t connection, const std::string& stream_key) {
  Broadcast* match = nullptr;
  for (auto& [id, b] : broadcasts_) {
    // Every key is compared, always in full: timing says nothing about which one was close.
    if (!b.config.stream_key.empty() && constant_time_equal(b.config.stream_key, stream_key)) {
      match = &b;
    }
  }
  if (!match) {
    log("rtmp")->warn("publish refused: unknown stream key");
    return "unknown stream key";
  }
  if (match->publisher != 0) {
    log("rtmp")->warn("broadcast {}: second publisher refused", match->config.id);
    return "this broadcast already has a publisher";
  }
  stop_pipeline(*match);  // the fallback makes way
  std::string error;
  if (!start_pipeline(*match, streaming::FlvPushSource{}, &error)) {
    log("rtmp")->error("broadcast {}: cannot start passthrough: {}", match->config.id, error);
    start_pipeline(*match, match->config.source, &error);
    return "the server cannot take this stream now";
  }
  match->pipeline->push(streaming::flv_file_header());
  match->publisher = connection;
  publishers_[connection] = match->config.id;
  log("rtmp")->info("broadcast {}: publisher connected", match->config.id);
  return {};
}

std::string MediaRouter::on_media(uint64_t connection, streaming::FlvTag&& tag) {
  auto it = publishers_.find(connection);
  if (it == publishers_.end()) return "not publishing";
  auto b = broadcasts_.find(it->second);
  if (b == broadcasts_.end() || !b->second.pipeline) return "broadcast is gone";
  if (auto unsupported = streaming::unsupported_codec(tag)) {
    log("rtmp")->warn("broadcast {}: {}", it->second, *unsupported);
    return *unsupported;
  }
  b->second.pipeline->push(streaming::flv_tag_bytes(tag));
  return {};
}

void MediaRouter::on_ended(uint64_t connection, const std::string& why) {
  auto it = publishers_.find(connection);
  if (it == publishers_.end()) return;
  const std::string id = it->second;
  publishers_.erase(it);
  auto b = broadcasts_.find(id);
  if (b == broadcasts_.end()) return;
  log("rtmp")->info("broadcast {}: publisher left ({})", id, why);
  b->second.publisher = 0;
  stop_pipeline(b->second);
  if (b->second.config.fallback_test_source) {
    std::string error;
    if (!start_pipeline(b->second, b->second.config.source, &error)) {
      log("streaming")->error("broadcast {}: fallback did not start: {}", id, error);
    }
  }
}

}  // namespace livegate::server
