#pragma once
// What operators see of publishers: a log line per publishing broadcast every 10 s (bitrate,
// frame rate, keyframe interval, size, drops; a warning when keyframes are too far apart for the
// segment length) and the ingest gauges of /metrics every 2 s, removed within 2 s of a
// publisher's going.

#include <set>
#include <string>

#include "livegate/common/event_loop.h"
#include "livegate/server/broadcast/broadcast_registry.h"

namespace livegate {
class Metrics;
}

namespace livegate::server {

class IngestReport {
 public:
  // metrics: null reports in the log only.
  IngestReport(EventLoop& loop, const BroadcastRegistry& registry, const MediaConfig& media,
               Metrics* metrics);
  IngestReport(const IngestReport&) = delete;
  IngestReport& operator=(const IngestReport&) = delete;

 private:
  void log_publishers() const;
  void update_metrics();

  const BroadcastRegistry& registry_;
  const MediaConfig& media_;
  Metrics* metrics_;
  std::set<std::string> series_;  // broadcasts with ingest gauges in metrics_
  Timer log_timer_;
  Timer metrics_timer_;
};

}  // namespace livegate::server
