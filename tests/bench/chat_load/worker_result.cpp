#include "worker_result.h"

#include <algorithm>

namespace chat_load {

namespace {

void add_counts(std::map<std::string, uint64_t>& to, const std::map<std::string, uint64_t>& from) {
  for (const auto& [k, v] : from) to[k] += v;
}

}  // namespace

void WorkerResult::merge(const WorkerResult& o) {
  const bool first = established == 0;
  assigned += o.assigned;
  established += o.established;
  chatters += o.chatters;
  add_counts(connect_errors, o.connect_errors);
  add_counts(closes_by_server, o.closes_by_server);
  add_counts(error_frames, o.error_frames);
  sent_in_window += o.sent_in_window;
  sent_total += o.sent_total;
  deliveries_in_window += o.deliveries_in_window;
  deliveries_total += o.deliveries_total;
  if (o.established) {
    min_connection_deliveries =
        first ? o.min_connection_deliveries
              : std::min(min_connection_deliveries, o.min_connection_deliveries);
    max_connection_deliveries = std::max(max_connection_deliveries, o.max_connection_deliveries);
  }
  bytes_received += o.bytes_received;
  connect_seconds = std::max(connect_seconds, o.connect_seconds);
  latency.merge(o.latency);
}

nlohmann::json WorkerResult::to_json() const {
  return {{"assigned", assigned},
          {"established", established},
          {"chatters", chatters},
          {"connect_errors", connect_errors},
          {"closes_by_server", closes_by_server},
          {"error_frames", error_frames},
          {"sent_in_window", sent_in_window},
          {"sent_total", sent_total},
          {"deliveries_in_window", deliveries_in_window},
          {"deliveries_total", deliveries_total},
          {"min_connection_deliveries", min_connection_deliveries},
          {"max_connection_deliveries", max_connection_deliveries},
          {"bytes_received", bytes_received},
          {"connect_seconds", connect_seconds},
          {"latency", latency.to_json()}};
}

WorkerResult WorkerResult::from_json(const nlohmann::json& j) {
  WorkerResult r;
  r.assigned = j.at("assigned");
  r.established = j.at("established");
  r.chatters = j.at("chatters");
  r.connect_errors = j.at("connect_errors").get<std::map<std::string, uint64_t>>();
  r.closes_by_server = j.at("closes_by_server").get<std::map<std::string, uint64_t>>();
  r.error_frames = j.at("error_frames").get<std::map<std::string, uint64_t>>();
  r.sent_in_window = j.at("sent_in_window");
  r.sent_total = j.at("sent_total");
  r.deliveries_in_window = j.at("deliveries_in_window");
  r.deliveries_total = j.at("deliveries_total");
  r.min_connection_deliveries = j.at("min_connection_deliveries");
  r.max_connection_deliveries = j.at("max_connection_deliveries");
  r.bytes_received = j.at("bytes_received");
  r.connect_seconds = j.at("connect_seconds");
  r.latency = Histogram::from_json(j.at("latency"));
  return r;
}

}  // namespace chat_load
