#pragma once
// Every metric livegate exports at GET /metrics, in one object: the registry and the families,
// built once by the composition root and handed by pointer to the parts that count (a null
// pointer counts nothing: tests build parts without it). prometheus-cpp's counters, gauges and
// histograms are atomics, so updating one never blocks the loop or a media thread; only adding
// or removing a labelled series takes the family's mutex (per broadcast, not per event).
// Names are prefixed livegate_; labels only where their values are bounded (result, status
// class, broadcast id).

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>

namespace livegate {

class Metrics {
  // First: every reference below points into it, and members are built in this order.
  std::shared_ptr<prometheus::Registry> registry_;

 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The whole registry in the Prometheus text exposition format (version 0.0.4).
  std::string text() const;
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

  // chat/: the WebSocket hub.
  prometheus::Gauge& ws_connections;           // open WebSocket connections on this node
  prometheus::Gauge& chat_rooms;               // rooms open on this node
  prometheus::Counter& chat_messages_in;       // complete client frames received
  prometheus::Counter& chat_frames_out;        // frames written to viewers
  prometheus::Histogram& chat_batch_events;    // events per fan-out batch frame
  prometheus::Counter& chat_send_queue_drops;  // frames dropped from (or refused by) a full send queue
  prometheus::Counter& chat_slow_consumers;    // viewers closed with 4008 for not keeping up
  prometheus::Gauge& chat_held_lines;          // lines said during a Redis outage, not yet written

  // commerce/: buy-now outcomes and how many buys share one Redis script call.
  prometheus::Family<prometheus::Counter>& orders;  // label result, see count_order()
  prometheus::Histogram& buy_batch_size;
  // result: ok | duplicate | sold_out | limit | invalid | failed (anything else counts as failed).
  void count_order(std::string_view result);

  // common/: Redis command round trips (sent to reply, seconds), measured on the loop.
  prometheus::Histogram& redis_command_seconds;

  // streaming/: per broadcast while a publisher sends (the series go when it leaves), and
  // pipeline errors per broadcast.
  prometheus::Family<prometheus::Gauge>& ingest_bitrate_kbps;
  prometheus::Family<prometheus::Gauge>& ingest_fps;
  prometheus::Family<prometheus::Counter>& pipeline_errors;
  void count_pipeline_error(const std::string& broadcast);

  // server/: HTTP responses by status class (code="2xx" ...); WebSocket upgrades not included.
  prometheus::Family<prometheus::Counter>& http_requests;
  void count_http(int status);

 private:
  static prometheus::MetricFamily handler_exceptions_family();
  static constexpr std::array<std::string_view, 6> kOrderResults = {"ok",    "duplicate", "sold_out",
                                                                    "limit", "invalid",   "failed"};
  std::array<prometheus::Counter*, kOrderResults.size()> order_counters_{};
  std::array<prometheus::Counter*, 5> http_counters_{};  // 1xx..5xx
};

}  // namespace livegate
