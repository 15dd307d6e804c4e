#include "livegate/common/metrics.h"

#include <prometheus/text_serializer.h>

#include "livegate/common/guard.h"

namespace livegate {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using Buckets = prometheus::Histogram::BucketBoundaries;

// One unlabelled series of a new family.
template <typename Builder>
auto& single(Builder builder, prometheus::Registry& registry, const std::string& name,
             const std::string& help) {
  return builder.Name(name).Help(help).Register(registry).Add({});
}

prometheus::Histogram& single_histogram(prometheus::Registry& registry, const std::string& name,
                                        const std::string& help, const Buckets& buckets) {
  return BuildHistogram().Name(name).Help(help).Register(registry).Add({}, buckets);
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      ws_connections(single(BuildGauge(), *registry_, "livegate_ws_connections",
                            "WebSocket connections open on this node")),
      chat_rooms(single(BuildGauge(), *registry_, "livegate_chat_rooms", "Live rooms open on this node")),
      chat_messages_in(single(BuildCounter(), *registry_, "livegate_chat_messages_received_total",
                              "Complete WebSocket messages received from clients")),
      chat_frames_out(single(BuildCounter(), *registry_, "livegate_chat_frames_sent_total",
                             "WebSocket frames written to clients")),
      chat_batch_events(single_histogram(*registry_, "livegate_chat_batch_events",
                                         "Events per fan-out batch frame of a room",
                                         Buckets{1, 2, 5, 10, 20, 50, 100, 200, 500})),
      chat_send_queue_drops(single(BuildCounter(), *registry_, "livegate_chat_send_queue_dropped_frames_total",
                                   "Frames dropped because a viewer's send queue was full")),
      chat_slow_consumers(single(BuildCounter(), *registry_, "livegate_chat_slow_consumers_closed_total",
                                 "Viewers closed (4008) for not keeping up with their room")),
      chat_held_lines(single(BuildGauge(), *registry_, "livegate_chat_held_lines",
                             "Chat lines shown on this node during a Redis outage, waiting to be written")),
      orders(BuildCounter()
                 .Name("livegate_orders_total")
                 .Help("Buy-now clicks by result: ok, duplicate, sold_out, limit, invalid, failed")
                 .Register(*registry_)),
      buy_batch_size(single_histogram(*registry_, "livegate_buy_batch_size",
                                      "Buys sent to Redis in one script call",
                                      Buckets{1, 2, 4, 8, 16, 32, 64, 128, 256})),
      redis_command_seconds(single_histogram(
          *registry_, "livegate_redis_command_duration_seconds",
          "Redis command round trip, from sending to the reply on the loop",
          Buckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1})),
      ingest_bitrate_kbps(BuildGauge()
                              .Name("livegate_ingest_bitrate_kbps")
                              .Help("What a broadcast's publisher sends, kbit/s over the last 5 s")
                              .Register(*registry_)),
      ingest_fps(BuildGauge()
                     .Name("livegate_ingest_fps")
                     .Help("Video frames per second a broadcast's publisher sends, over the last 5 s")
                     .Register(*registry_)),
      pipeline_errors(BuildCounter()
                          .Name("livegate_pipeline_errors_total")
                          .Help("Broadcast pipelines that failed (GStreamer error or refused start)")
                          .Register(*registry_)),
      http_requests(BuildCounter()
                        .Name("livegate_http_requests_total")
                        .Help("HTTP responses by status class")
                        .Register(*registry_)) {
  // Every bounded series exists from the start, so a rate() sees its first increment.
  for (size_t i = 0; i < kOrderResults.size(); ++i) {
    order_counters_[i] = &orders.Add({{"result", std::string(kOrderResults[i])}});
  }
  for (size_t i = 0; i < http_counters_.size(); ++i) {
    http_counters_[i] = &http_requests.Add({{"code", std::to_string(i + 1) + "xx"}});
  }
}

std::string Metrics::text() const {
  auto families = registry_->Collect();
  families.push_back(handler_exceptions_family());
  return prometheus::TextSerializer().Serialize(families);
}

// The exception boundary counts process-wide (guard.h: it runs in common/ and on GStreamer's
// threads, where no Metrics object is at hand), so its family is built from those counts here.
prometheus::MetricFamily Metrics::handler_exceptions_family() {
  prometheus::MetricFamily family;
  family.name = "livegate_handler_exceptions_total";
  family.help = "Exceptions stopped at a callback boundary (a bug: the request or message got an internal error)";
  family.type = prometheus::MetricType::Counter;
  for (size_t i = 0; i < kBoundaryNames.size(); ++i) {
    prometheus::ClientMetric m;
    m.label.push_back({"boundary", std::string(kBoundaryNames[i])});
    m.counter.value = static_cast<double>(exceptions_caught(static_cast<Boundary>(i)));
    family.metric.push_back(std::move(m));
  }
  return family;
}

void Metrics::count_order(std::string_view result) {
  size_t i = 0;
  while (i + 1 < kOrderResults.size() && kOrderResults[i] != result) ++i;  // unknown: "failed"
  order_counters_[i]->Increment();
}

void Metrics::count_pipeline_error(const std::string& broadcast) {
  pipeline_errors.Add({{"broadcast", broadcast}}).Increment();
}

void Metrics::count_http(int status) {
  const int cls = status / 100;
  if (cls >= 1 && cls <= 5) http_counters_[static_cast<size_t>(cls - 1)]->Increment();
}

}  // namespace livegate
