#include "livegate/server/broadcast/ingest_report.h"

#include "livegate/common/log.h"
#include "livegate/common/metrics.h"

namespace livegate::server {

IngestReport::IngestReport(EventLoop& loop, const BroadcastRegistry& registry,
                           const MediaConfig& media, Metrics* metrics)
    : registry_(registry), media_(media), metrics_(metrics) {
  log_timer_ = loop.every(std::chrono::seconds(10), [this] {
    log_publishers();
    return true;
  });
  if (metrics_) {
    metrics_timer_ = loop.every(std::chrono::seconds(2), [this] {
      update_metrics();
      return true;
    });
  }
}

void IngestReport::log_publishers() const {
  for (const auto& [id, b] : registry_.all()) {
    if (!b.publisher()) continue;
    const streaming::IngestStats& s = b.publisher()->stats();
    const auto& v = s.video();
    log("ingest")->info(
        "broadcast {} ingest: {:.0f} kbps, {:.1f} fps, keyframe every {} ms, {}x{}, {} frames "
        "dropped",
        id, s.bitrate_kbps(), s.fps(), s.keyframe_interval_ms(), v ? v->width : 0,
        v ? v->height : 0, s.dropped_video_frames());
    // Segments are cut on keyframes: a long keyframe interval makes long segments and latency.
    if (s.keyframe_interval_ms() > static_cast<uint32_t>(media_.segment_seconds) * 2000) {
      log("ingest")->warn(
          "broadcast {}: keyframe interval {} ms is long for {} s segments; set the "
          "encoder's keyframe interval to {} s",
          id, s.keyframe_interval_ms(), media_.segment_seconds, media_.segment_seconds);
    }
  }
}

void IngestReport::update_metrics() {
  for (auto it = series_.begin(); it != series_.end();) {
    const Broadcast* b = registry_.find(*it);
    if (b && b->publisher()) {
      ++it;
      continue;
    }
    const prometheus::Labels labels{{"broadcast", *it}};
    metrics_->ingest_bitrate_kbps.Remove(&metrics_->ingest_bitrate_kbps.Add(labels));
    metrics_->ingest_fps.Remove(&metrics_->ingest_fps.Add(labels));
    it = series_.erase(it);
  }
  for (const auto& [id, b] : registry_.all()) {
    if (!b.publisher()) continue;
    const prometheus::Labels labels{{"broadcast", id}};
    metrics_->ingest_bitrate_kbps.Add(labels).Set(b.publisher()->stats().bitrate_kbps());
    metrics_->ingest_fps.Add(labels).Set(b.publisher()->stats().fps());
    series_.insert(id);
  }
}

}  // namespace livegate::server
