#include "livegate/server/broadcast/broadcast_registry.h"

#include <glib.h>

#include "livegate/common/log.h"
#include "livegate/common/metrics.h"
#include "livegate/common/secret_hash.h"

namespace livegate::server {

BroadcastRegistry::BroadcastRegistry(EventLoop& loop, const MediaConfig& media, Metrics* metrics)
    : loop_(loop), media_(media), metrics_(metrics), thumbnails_(loop, media.thumbnail_width) {}

BroadcastRegistry::~BroadcastRegistry() {
  // A pipeline that stops hands over its last segment: to this registry, while it is whole,
  // and to no listener, which may be gone already.
  listener_ = &default_listener_;
  for (auto& [id, b] : broadcasts_) stop_pipeline(b);
}

Broadcast* BroadcastRegistry::find(std::string_view id) {
  auto it = broadcasts_.find(id);
  return it == broadcasts_.end() ? nullptr : &it->second;
}

const Broadcast* BroadcastRegistry::find(std::string_view id) const {
  auto it = broadcasts_.find(id);
  return it == broadcasts_.end() ? nullptr : &it->second;
}

std::set<std::string> BroadcastRegistry::stream_key_hashes() const {
  std::set<std::string> keys;
  for (const auto& [id, b] : broadcasts_) {
    if (!b.config_.stream_key_sha256.empty()) keys.insert(b.config_.stream_key_sha256);
  }
  return keys;
}

void BroadcastRegistry::open(BroadcastConfig config, Opened done) {
  const std::string id = config.id;
  if (broadcasts_.contains(id))
    return done(fail(ErrorCode::conflict, "a broadcast with id '" + id + "' exists"));
  if (broadcasts_.size() >= media_.max_broadcasts) {
    return done(fail(ErrorCode::limit, "this node runs its maximum of " +
                                           std::to_string(media_.max_broadcasts) +
                                           " broadcasts (media.max_broadcasts)"));
  }
  if (with_key_hash(config.stream_key_sha256)) {  // a keyless one never matches
    return done(fail(ErrorCode::conflict, "that stream key is in use"));
  }
  Broadcast& b = broadcasts_.try_emplace(id, std::move(config)).first->second;
  listener_->opening(b, [this, id, done = std::move(done)](Result<void> ready) {
    Broadcast* b = find(id);
    if (!b)
      return done(fail(ErrorCode::conflict, "broadcast " + id + " went away while it opened"));
    if (!ready) {
      broadcasts_.erase(id);
      return done(fail(std::move(ready).error()));
    }
    b->open_ = true;
    listener_->opened(*b);
    if (!b->config_.stream_key_sha256.empty()) listener_->stream_key_changed(*b);
    if (!media_deferred_) open_media(*b);
    done(b);
  });
}

void BroadcastRegistry::start_media() {
  media_deferred_ = false;
  for (auto& [id, b] : broadcasts_) {
    if (b.open_ && !b.outputs_) open_media(b);
  }
}

void BroadcastRegistry::open_media(Broadcast& b) {
  b.outputs_ = std::make_unique<BroadcastOutputs>(media_, b.config_);
  if (!b.config_.fallback_test_source) return set_state(b, BroadcastState::waiting);
  if (auto started = run(b, Source::fallback); !started) {
    log("streaming")
        ->error("broadcast {}: the test source did not start: {}", b.id(), started.error().message);
  }
}

Result<void> BroadcastRegistry::run(Broadcast& b, Source source,
                                    streaming::PipelineSource push_source) {
  stop_pipeline(b);
  b.outputs_->new_source(b.runs_ == 0);
  streaming::PipelineSource what = std::move(push_source);
  if (source == Source::fallback || source == Source::slate) {
    streaming::TestSourceConfig test = b.config_.source;
    if (source == Source::slate) test.title = media_.slate_text;
    what = test;
  }
  b.runs_++;
  // Segment names differ per run, so a player never mistakes a new segment for an old one.
  const std::string prefix =
      "r" + std::to_string(g_get_real_time() / 1000000) + "-" + std::to_string(b.runs_) + "-";
  streaming::HlsOutputConfig hls{.dir = b.outputs_->live_dir(),
                                 .segment_seconds = media_.segment_seconds,
                                 .ladder = b.config_.abr,
                                 .segment_prefix = prefix};
  streaming::BroadcastPipeline::Listener& segments = *this;  // a private base: converted here
  b.pipeline_ =
      std::make_unique<streaming::BroadcastPipeline>(loop_, b.id(), std::move(what), hls, segments);
  b.source_ = source;
  auto started = b.pipeline_->start();
  if (!started) {
    b.pipeline_.reset();
    b.source_ = Source::none;
  }
  return started;
}

void BroadcastRegistry::stop_pipeline(Broadcast& b) {
  if (!b.pipeline_) return;
  b.pipeline_->stop();
  b.pipeline_.reset();
}

void BroadcastRegistry::finish(Broadcast& b) {
  b.grace_.cancel();
  stop_pipeline(b);
  b.source_ = Source::none;
  if (b.outputs_) b.outputs_->finish();
}

void BroadcastRegistry::set_state(Broadcast& b, BroadcastState state) {
  if (b.state_ == state) return;
  b.state_ = state;
  log("streaming")->info("broadcast {}: {}", b.id(), state_name(state));
  listener_->state_changed(b);
  if (state == BroadcastState::ended) listener_->ended(b);
}

Broadcast* BroadcastRegistry::with_key_hash(const std::string& key_sha256) {
  Broadcast* match = nullptr;
  for (auto& [id, b] : broadcasts_) {
    // Every key compared, always in full: timing says nothing about which one was close.
    if (!b.config_.stream_key_sha256.empty() &&
        constant_time_equal(b.config_.stream_key_sha256, key_sha256)) {
      match = &b;
    }
  }
  return match;
}

std::unique_ptr<Publisher> BroadcastRegistry::take_publisher(Broadcast& b) {
  if (b.publisher_) publishers_.erase({b.publisher_->transport(), b.publisher_->connection()});
  return std::move(b.publisher_);
}

Result<void> BroadcastRegistry::end(const std::string& id) {
  Broadcast* b = find(id);
  if (!b) return fail(ErrorCode::not_found, "no broadcast with id '" + id + "'");
  if (b->state_ == BroadcastState::ended)
    return fail(ErrorCode::conflict, "the broadcast has already ended");
  if (!b->outputs_) return fail(ErrorCode::conflict, "the broadcast is still opening");
  // The handle goes first: the ingest server's "ended" for it then finds nothing to undo.
  if (auto publisher = take_publisher(*b)) publisher->disconnect();
  finish(*b);
  log("streaming")->info("broadcast {}: ended by the seller", id);
  set_state(*b, BroadcastState::ended);
  return ok();
}

Result<void> BroadcastRegistry::set_stream_key(const std::string& id, std::string key_sha256) {
  Broadcast* b = find(id);
  if (!b) return fail(ErrorCode::not_found, "no broadcast with id '" + id + "'");
  b->config_.stream_key_sha256 = std::move(key_sha256);
  listener_->stream_key_changed(*b);
  return ok();
}

void BroadcastRegistry::stop_all() {
  for (auto& [id, b] : broadcasts_) finish(b);
}

Result<Broadcast*> BroadcastRegistry::publish(std::string_view stream_key, Transport transport,
                                              uint64_t connection,
                                              std::function<void()> disconnect) {
  // Only digests are kept (config load, create and rotate hash the key at once), so the key a
  // publisher offers is hashed and compared with each of them.
  Broadcast* match = with_key_hash(sha256_hex(std::string(stream_key)));
  if (!match) {
    log(transport_name(transport))->warn("publish refused: unknown stream key");
    return fail(ErrorCode::not_found, "unknown stream key");
  }
  Broadcast& b = *match;
  if (!b.outputs_) {  // still opening (its catalog on the way to Redis)
    log(transport_name(transport))
        ->warn("broadcast {}: publisher refused while the broadcast opens", b.id());
    return fail(ErrorCode::unavailable, "the server cannot take this stream now");
  }
  if (b.publisher_) {
    log(transport_name(transport))->warn("broadcast {}: second publisher refused", b.id());
    return fail(ErrorCode::conflict, streaming::kAlreadyPublishing);
  }
  const Source before = b.source_;
  auto started =
      run(b, Source::publisher,
          transport == Transport::rtmp ? streaming::PipelineSource{streaming::FlvPushSource{}}
                                       : streaming::PipelineSource{streaming::TsPushSource{}});
  if (!started) {
    log(transport_name(transport))
        ->error("broadcast {}: cannot start passthrough: {}", b.id(), started.error().message);
    // Back to what ran before (the grace timer of a slate still runs: it ends the wait).
    if (before == Source::fallback || before == Source::slate) (void)run(b, before);
    return fail(ErrorCode::unavailable, "the server cannot take this stream now");
  }
  const bool resumed = before == Source::slate;
  b.before_publisher_ = before;
  b.grace_.cancel();
  b.publisher_ = std::make_unique<Publisher>(transport, connection, std::move(disconnect),
                                             media_.ingest_backlog_bytes);
  publishers_[{transport, connection}] = &b;
  log(transport_name(transport))
      ->info("broadcast {}: publisher {}", b.id(), resumed ? "reconnected, resuming" : "connected");
  return &b;
}

Broadcast* BroadcastRegistry::published_by(Transport transport, uint64_t connection) {
  auto it = publishers_.find({transport, connection});
  return it == publishers_.end() ? nullptr : it->second;
}

void BroadcastRegistry::unpublish(Transport transport, uint64_t connection, std::string_view why) {
  Broadcast* found = published_by(transport, connection);
  if (!found) return;
  Broadcast& b = *found;
  const bool sent_media = b.publisher_->sent_media();
  take_publisher(b);
  // A publisher that never sent media (a WHIP negotiation that failed, say) did not interrupt
  // anything: the broadcast goes back to what it was, not to the slate.
  if (!sent_media && b.before_publisher_ != Source::slate) {
    log("streaming")->info("broadcast {}: publisher left before sending media ({})", b.id(), why);
    if (b.before_publisher_ == Source::fallback) {
      if (auto r = run(b, Source::fallback); !r)
        log("streaming")->error("broadcast {}: {}", b.id(), r.error().message);
      return;
    }
    stop_pipeline(b);
    b.source_ = Source::none;
    return set_state(b, BroadcastState::waiting);
  }
  log("streaming")
      ->info("broadcast {}: publisher left ({}); slate for {} s", b.id(), why,
             media_.reconnect_grace_seconds);
  if (auto r = run(b, Source::slate); !r) {
    log("streaming")->error("broadcast {}: slate did not start: {}", b.id(), r.error().message);
  }
  set_state(b, BroadcastState::reconnecting);
  b.grace_ = loop_.after(std::chrono::seconds(media_.reconnect_grace_seconds),
                         [this, id = b.id()] { grace_over(id); });
}

void BroadcastRegistry::grace_over(const std::string& id) {
  Broadcast* b = find(id);
  // Still reconnecting with no one back (whether or not the slate itself could start).
  if (!b || b->publisher_ || b->state_ != BroadcastState::reconnecting) return;
  if (b->config_.fallback_test_source) {
    log("streaming")
        ->info("broadcast {}: no publisher within the grace period, back to the test source", id);
    if (auto r = run(*b, Source::fallback); !r)
      log("streaming")->error("broadcast {}: {}", id, r.error().message);
    return;
  }
  log("streaming")->info("broadcast {}: no publisher within the grace period, ended", id);
  finish(*b);
  set_state(*b, BroadcastState::ended);
}

void BroadcastRegistry::on_pipeline_state(const std::string& id, streaming::PipelineState state) {
  if (state != streaming::PipelineState::failed) return;
  log("streaming")->error("broadcast {}: pipeline failed", id);
  if (metrics_) metrics_->count_pipeline_error(id);
}

void BroadcastRegistry::on_rendition_format(const std::string& id, size_t rendition,
                                            const streaming::RenditionFormat& format) {
  Broadcast* b = find(id);
  if (b && b->outputs_) b->outputs_->set_format(rendition, format);
}

void BroadcastRegistry::on_segment(const std::string& id, size_t rendition,
                                   streaming::PlaylistSegment segment) {
  Broadcast* found = find(id);
  if (!found || !found->outputs_) return;
  Broadcast& b = *found;
  const bool first = rendition == 0 && b.outputs_->empty();
  const std::string path = b.outputs_->add_segment(rendition, std::move(segment));
  if (rendition != 0) return;
  // A segment starts on a keyframe: its first frame is the thumbnail, made off the loop.
  const auto now = std::chrono::steady_clock::now();
  // One worker serves every broadcast: a request it is too busy for is asked again next segment.
  if (now - b.last_thumbnail_ >= std::chrono::seconds(media_.thumbnail_seconds) &&
      thumbnails_.request(path, b.outputs_->live_dir() + "/thumb.jpg")) {
    b.last_thumbnail_ = now;
  }
  if (first && b.pipeline_) {
    log("streaming")
        ->info(
            "broadcast {}: first playable segment {} ms after the pipeline started", id,
            std::chrono::duration_cast<std::chrono::milliseconds>(now - b.pipeline_->started_at())
                .count());
  }
  if (b.source_ == Source::publisher || b.source_ == Source::fallback)
    set_state(b, BroadcastState::live);
}

}  // namespace livegate::server
