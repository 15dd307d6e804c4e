#include "livegate/server/media_router.h"

#include "livegate/common/log.h"
#include "livegate/common/secret_hash.h"

namespace livegate::server {

MediaRouter::MediaRouter(EventLoop& loop, BroadcastMap& broadcasts, const MediaConfig& media,
                         Announce announce, Metrics* metrics)
    : loop_(loop),
      broadcasts_(broadcasts),
      media_(media),
      announce_(std::move(announce)),
      thumbnails_(loop, media.thumbnail_width),
      metrics_(metrics) {}

bool MediaRouter::run(Broadcast& b, Source source, std::string* error,
                      streaming::PipelineSource push_source) {
  Feed& feed = feeds_[b.config.id];
  stop_pipeline(b);
  if (feed.playlist->ended()) {
    // A broadcast that ended and gets a publisher again starts a fresh timeline (and replay).
    feed.playlist->reset();
    if (feed.recording) feed.recording->reset();
  } else if (feed.runs > 0) {
    feed.playlist->mark_discontinuity();
    if (feed.recording) feed.recording->mark_discontinuity();
    if (feed.mp4) feed.mp4->discontinuity();
  }
  streaming::PipelineSource what = std::move(push_source);
  if (source == Source::fallback || source == Source::slate) {
    streaming::TestSourceConfig test = b.config.source;
    if (source == Source::slate) test.title = media_.slate_text;
    what = test;
  }
  feed.runs++;
  const std::string prefix = "r" + std::to_string(g_get_real_time() / 1000000) + "-" +
                             std::to_string(feed.runs) + "-";
  streaming::HlsOutputConfig hls{.dir = media_.root + "/live/" + b.config.id,
                                 .segment_seconds = media_.segment_seconds,
                                 .ladder = b.config.abr,
                                 .segment_prefix = prefix};
  b.pipeline = std::make_unique<streaming::BroadcastPipeline>(loop_, b.config.id, std::move(what), hls, *this);
  feed.source = source;
  static constexpr const char* kNames[] = {"none", "fallback", "publisher", "slate"};
  b.source = kNames[static_cast<int>(source)];
  if (!b.pipeline->start(error)) {
    b.pipeline.reset();
    feed.source = Source::none;
    b.source = "none";
    return false;
  }
  return true;
}

void MediaRouter::stop_pipeline(Broadcast& b) {
  if (!b.pipeline) return;
  b.pipeline->stop();
  b.pipeline.reset();
}

void MediaRouter::log_ingest() {
  for (const auto& [id, b] : broadcasts_) {
    if (!b.ingest) continue;
    const auto& s = *b.ingest;
    const auto& v = s.video();
    log("ingest")->info("broadcast {} ingest: {:.0f} kbps, {:.1f} fps, keyframe every {} ms, {}x{}, {} frames dropped",
                        id, s.bitrate_kbps(), s.fps(), s.keyframe_interval_ms(), v ? v->width : 0,
                        v ? v->height : 0, s.dropped_video_frames());
    // Segments are cut on keyframes: a long keyframe interval makes long segments and latency.
    if (s.keyframe_interval_ms() > static_cast<uint32_t>(media_.segment_seconds) * 2000) {
      log("ingest")->warn("broadcast {}: keyframe interval {} ms is long for {} s segments; set the "
                          "encoder's keyframe interval to {} s", id, s.keyframe_interval_ms(),
                          media_.segment_seconds, media_.segment_seconds);
    }
  }
}

void MediaRouter::update_ingest_metrics() {
  if (!metrics_) return;
  for (auto it = ingest_series_.begin(); it != ingest_series_.end();) {
    auto b = broadcasts_.find(*it);
    if (b != broadcasts_.end() && b->second.ingest) {
      ++it;
      continue;
    }
    const prometheus::Labels labels{{"broadcast", *it}};
    metrics_->ingest_bitrate_kbps.Remove(&metrics_->ingest_bitrate_kbps.Add(labels));
    metrics_->ingest_fps.Remove(&metrics_->ingest_fps.Add(labels));
    it = ingest_series_.erase(it);
  }
  for (const auto& [id, b] : broadcasts_) {
    if (!b.ingest) continue;
    const prometheus::Labels labels{{"broadcast", id}};
    metrics_->ingest_bitrate_kbps.Add(labels).Set(b.ingest->bitrate_kbps());
    metrics_->ingest_fps.Add(labels).Set(b.ingest->fps());
    ingest_series_.insert(id);
  }
}

bool MediaRouter::open_feed(Broadcast& b, std::string* error) {
  const std::string& id = b.config.id;
  Feed& feed = feeds_[id];
  feed.playlist = std::make_unique<streaming::LiveOutput>(
      media_.root + "/live/" + id, media_.segment_seconds,
      static_cast<size_t>(media_.playlist_length),
      static_cast<size_t>(std::max(2, media_.max_files - media_.playlist_length)), b.config.abr,
      b.config.source.audio_bitrate_kbps);
  feed.playlist->reset();
  if (media_.record) {
    feed.recording = std::make_unique<streaming::LivePlaylist>(streaming::LivePlaylist::recording(
        media_.root + "/vod/" + id, media_.segment_seconds));
    feed.recording->reset();
    if (media_.record_mp4_minutes > 0) {
      feed.mp4 = std::make_unique<streaming::Mp4Recorder>(media_.root + "/recordings/" + id, id,
                                                          std::chrono::minutes(media_.record_mp4_minutes));
    }
  }
  if (!b.config.fallback_test_source) {
    announce_(id, BroadcastState::waiting);
    return true;
  }
  if (!run(b, Source::fallback, error)) {
    *error = "broadcast " + id + ": " + *error;
    return false;
  }
  return true;
}

bool MediaRouter::start_all(std::string* error) {
  stats_timer_ = loop_.every(std::chrono::seconds(10), [this] {
    log_ingest();
    return true;
  });
  if (metrics_) {
    metrics_timer_ = loop_.every(std::chrono::seconds(2), [this] {
      update_ingest_metrics();
      return true;
    });
  }
  for (auto& [id, b] : broadcasts_) {
    if (!open_feed(b, error)) return false;
  }
  return true;
}

bool MediaRouter::add(const std::string& id, std::string* error) {
  auto b = broadcasts_.find(id);
  if (b == broadcasts_.end()) {
    *error = "no broadcast " + id;
    return false;
  }
  return open_feed(b->second, error);
}

void MediaRouter::end(const std::string& id) {
  auto b = broadcasts_.find(id);
  auto feed = feeds_.find(id);
  if (b == broadcasts_.end() || feed == feeds_.end()) return;
  if (b->second.publisher != 0) {
    const uint64_t connection = b->second.publisher;
    publishers_.erase(connection);
    b->second.publisher = 0;
    b->second.ingest.reset();
    b->second.gate.reset();
    update_ingest_metrics();
    if (disconnect_) disconnect_(connection);
  }
  feed->second.grace.cancel();
  stop_pipeline(b->second);
  feed->second.source = Source::none;
  b->second.source = "none";
  feed->second.playlist->end();
  if (feed->second.recording) feed->second.recording->end();
  if (feed->second.mp4) feed->second.mp4->finish();
  log("streaming")->info("broadcast {}: ended by the seller", id);
  announce_(id, BroadcastState::ended);
}

void MediaRouter::stop_all() {
  for (auto& [id, b] : broadcasts_) {
    stop_pipeline(b);
    if (auto it = feeds_.find(id); it != feeds_.end() && it->second.playlist) {
      it->second.grace.cancel();
      it->second.playlist->end();
      if (it->second.recording) it->second.recording->end();
      if (it->second.mp4) it->second.mp4->finish();
    }
  }
}

void MediaRouter::on_pipeline_state(const std::string& id, streaming::PipelineState state) {
  if (state == streaming::PipelineState::failed) {
    log("streaming")->error("broadcast {}: pipeline failed", id);
    if (metrics_) metrics_->count_pipeline_error(id);
  }
}

void MediaRouter::on_rendition_format(const std::string& id, size_t rendition,
                                      const streaming::RenditionFormat& format) {
  auto it = feeds_.find(id);
  if (it != feeds_.end() && it->second.playlist) it->second.playlist->set_format(rendition, format);
}

void MediaRouter::on_segment(const std::string& id, size_t rendition, streaming::PlaylistSegment segment) {
  auto it = feeds_.find(id);
  if (it == feeds_.end() || !it->second.playlist) return;
  Feed& feed = it->second;
  // Lower ABR rungs are only listed; the top (or only) one also records, thumbnails, announces.
  if (rendition != 0) return feed.playlist->add(rendition, std::move(segment));
  const bool first = feed.playlist->segments().empty() && feed.playlist->media_sequence() == 0;
  const std::string live_dir = media_.root + "/live/" + id;
  const std::string segment_dir = feed.playlist->segment_dir(0);
  if (feed.recording) feed.recording->add_linked(segment_dir, segment);
  // Not after the end: the live playlist ignores such a straggler too.
  if (feed.mp4 && !feed.playlist->ended()) feed.mp4->add_segment(segment_dir + "/" + segment.uri, segment.duration);
  // A segment starts on a keyframe: its first frame is the thumbnail, made off the loop.
  const auto now = std::chrono::steady_clock::now();
  if (now - feed.last_thumbnail >= std::chrono::seconds(media_.thumbnail_seconds)) {
    feed.last_thumbnail = now;
    thumbnails_.request(segment_dir + "/" + segment.uri, live_dir + "/thumb.jpg");
  }
  feed.playlist->add(0, std::move(segment));
  if (first) {
    auto b = broadcasts_.find(id);
    if (b != broadcasts_.end() && b->second.pipeline) {
      log("streaming")->info("broadcast {}: first playable segment {} ms after the pipeline started", id,
                             std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - b->second.pipeline->started_at())
                                 .count());
    }
  }
  if (feed.source == Source::publisher || feed.source == Source::fallback) announce_(id, BroadcastState::live);
}

streaming::RtmpServer::Callbacks MediaRouter::rtmp_callbacks() {
  return {.authorize = [this](uint64_t c, const std::string& key) { return authorize(c, key, Transport::rtmp); },
          .media = [this](uint64_t c, streaming::FlvTag&& tag) { return on_media(c, std::move(tag)); },
          .ended = [this](uint64_t c, const std::string& why) { on_ended(c, why); }};
}

streaming::SrtServer::Callbacks MediaRouter::srt_callbacks() {
  return {.authorize = [this](uint64_t c, const std::string& key) { return authorize(c, key, Transport::srt); },
          .data = [this](uint64_t c, std::string&& bytes) { on_ts(c, std::move(bytes)); },
          .ended = [this](uint64_t c, const std::string& why) { on_ended(c, why); },
          .link = [this](uint64_t c, const streaming::SrtServer::LinkStats& s) {
            auto it = publishers_.find(c);
            if (it == publishers_.end()) return;
            auto b = broadcasts_.find(it->second);
            if (b != broadcasts_.end() && b->second.ingest) {
              b->second.ingest->set_link(s.lost_packets, s.dropped_packets, s.rtt_ms);
            }
          }};
}

streaming::WhipServer::Callbacks MediaRouter::whip_callbacks() {
  return {.authorize = [this](uint64_t c, const std::string& key) { return authorize(c, key, Transport::whip); },
          .data = [this](uint64_t c, std::string&& bytes) { on_ts(c, std::move(bytes)); },
          .ended = [this](uint64_t c, const std::string& why) { on_ended(c, why); }};
}

std::set<std::string> MediaRouter::stream_key_hashes() const {
  std::set<std::string> keys;
  for (const auto& [id, b] : broadcasts_) {
    if (!b.config.stream_key_sha256.empty()) keys.insert(b.config.stream_key_sha256);
  }
  return keys;
}

void MediaRouter::on_ts(uint64_t connection, std::string&& bytes) {
  auto it = publishers_.find(connection);
  if (it == publishers_.end()) return;
  auto b = broadcasts_.find(it->second);
  if (b == broadcasts_.end() || !b->second.pipeline) return;
  if (b->second.ingest) b->second.ingest->on_ts(bytes);
  b->second.pipeline->push(bytes);
}

std::string MediaRouter::authorize(uint64_t connection, const std::string& stream_key,
                                   Transport transport) {
  Broadcast* match = nullptr;
  // Only digests are kept (config load, create and rotate hash the key at once), so the key a
  // publisher offers is hashed and compared with each of them.
  const std::string offered = sha256_hex(stream_key);
  for (auto& [id, b] : broadcasts_) {
    // Every key is compared, always in full: timing says nothing about which one was close.
    if (!b.config.stream_key_sha256.empty() && constant_time_equal(b.config.stream_key_sha256, offered)) {
      match = &b;
    }
  }
  if (!match) {
    log("ingest")->warn("publish refused: unknown stream key");
    return "unknown stream key";
  }
  const std::string id = match->config.id;
  if (match->publisher != 0) {
    log("ingest")->warn("broadcast {}: second publisher refused", id);
    return streaming::kAlreadyPublishing;
  }
  Feed& feed = feeds_[id];
  const bool resumed = feed.source == Source::slate;
  feed.before_publisher = feed.source;
  feed.grace.cancel();
  std::string error;
  if (!run(*match, Source::publisher, &error,
           transport == Transport::rtmp ? streaming::PipelineSource{streaming::FlvPushSource{}}
                                        : streaming::PipelineSource{streaming::TsPushSource{}})) {
    log("ingest")->error("broadcast {}: cannot start passthrough: {}", id, error);
    if (match->config.fallback_test_source) run(*match, Source::fallback, &error);
    return "the server cannot take this stream now";
  }
  if (transport == Transport::rtmp) match->pipeline->push(streaming::flv_file_header());
  match->ingest = std::make_unique<streaming::IngestStats>();
  if (transport == Transport::rtmp) {
    match->gate = std::make_unique<streaming::BackpressureGate>(media_.ingest_backlog_bytes,
                                                                media_.ingest_backlog_bytes * 4);
  }
  match->publisher = connection;
  publishers_[connection] = id;
  static constexpr const char* kTransportNames[] = {"rtmp", "srt", "whip"};
  log(kTransportNames[static_cast<int>(transport)])
      ->info("broadcast {}: publisher {}", id, resumed ? "reconnected, resuming" : "connected");
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
  Broadcast& broadcast = b->second;
  if (broadcast.ingest) broadcast.ingest->on_tag(tag);
  if (broadcast.gate) {
    const bool was_dropping = broadcast.gate->dropping();
    const bool pass = broadcast.gate->pass(tag, broadcast.pipeline->queued_bytes());
    if (broadcast.gate->dropping() != was_dropping) {
      log("rtmp")->warn("broadcast {}: {}", it->second,
                        was_dropping ? "pipeline caught up, video resumes on this keyframe"
                                     : "pipeline falls behind, dropping video until the next keyframe");
    }
    if (broadcast.ingest) {
      broadcast.ingest->set_dropped(broadcast.gate->dropped_video_frames(), broadcast.gate->dropped_audio_frames());
    }
    if (!pass) return {};
  }
  broadcast.pipeline->push(streaming::flv_tag_bytes(tag));
  return {};
}

void MediaRouter::on_ended(uint64_t connection, const std::string& why) {
  auto it = publishers_.find(connection);
  if (it == publishers_.end()) return;
  const std::string id = it->second;
  publishers_.erase(it);
  auto b = broadcasts_.find(id);
  if (b == broadcasts_.end()) return;
  b->second.publisher = 0;
  const bool sent_media = b->second.ingest && b->second.ingest->bytes() > 0;
  b->second.ingest.reset();
  b->second.gate.reset();
  update_ingest_metrics();
  Feed& feed = feeds_[id];
  std::string error;
  // A publisher that never sent media (a WHIP negotiation that failed, say) did not interrupt
  // anything: the broadcast goes back to what it was, not to the slate.
  if (!sent_media && feed.before_publisher != Source::slate) {
    log("streaming")->info("broadcast {}: publisher left before sending media ({})", id, why);
    if (feed.before_publisher == Source::fallback) {
      if (!run(b->second, Source::fallback, &error)) log("streaming")->error("broadcast {}: {}", id, error);
      return;
    }
    stop_pipeline(b->second);
    feed.source = Source::none;
    b->second.source = "none";
    announce_(id, BroadcastState::waiting);
    return;
  }
  log("streaming")->info("broadcast {}: publisher left ({}); slate for {} s", id, why,
                    media_.reconnect_grace_seconds);
  if (!run(b->second, Source::slate, &error)) {
    log("streaming")->error("broadcast {}: slate did not start: {}", id, error);
  }
  announce_(id, BroadcastState::reconnecting);
  feed.grace = loop_.after(std::chrono::seconds(media_.reconnect_grace_seconds),
                                 [this, id] { grace_over(id); });
}

void MediaRouter::grace_over(const std::string& id) {
  auto b = broadcasts_.find(id);
  if (b == broadcasts_.end() || feeds_[id].source != Source::slate) return;
  std::string error;
  if (b->second.config.fallback_test_source) {
    log("streaming")->info("broadcast {}: no publisher within the grace period, back to the test source", id);
    if (!run(b->second, Source::fallback, &error)) log("streaming")->error("broadcast {}: {}", id, error);
    return;
  }
  log("streaming")->info("broadcast {}: no publisher within the grace period, ended", id);
  stop_pipeline(b->second);
  feeds_[id].source = Source::none;
  b->second.source = "none";
  feeds_[id].playlist->end();
  if (feeds_[id].recording) feeds_[id].recording->end();
  if (feeds_[id].mp4) feeds_[id].mp4->finish();
  announce_(id, BroadcastState::ended);
}

}  // namespace livegate::server
