#include "report.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>

#include "proc_stats.h"

namespace chat_load {

namespace {

uint64_t sum(const std::map<std::string, uint64_t>& m) {
  uint64_t n = 0;
  for (const auto& [k, v] : m) n += v;
  return n;
}

}  // namespace

nlohmann::json Report::to_json() const {
  const WorkerResult& t = totals;
  const double window = options.duration;
  const double offered = options.chatters * options.rate;
  // Every line should reach every connection (the sender included): the ratio shows loss.
  const double expected =
      static_cast<double>(t.sent_in_window) * static_cast<double>(t.established);
  const double tool_total = std::accumulate(worker_cpu_pct.begin(), worker_cpu_pct.end(), 0.0);
  const double tool_max =
      worker_cpu_pct.empty() ? 0 : *std::max_element(worker_cpu_pct.begin(), worker_cpu_pct.end());
  const double per_idle = t.established && server_rss_idle_kib > server_rss_baseline_kib
                              ? static_cast<double>(server_rss_idle_kib - server_rss_baseline_kib) /
                                    static_cast<double>(t.established)
                              : 0;
  nlohmann::json server = nullptr;
  if (options.server_pid > 0) {
    server = {{"pid", options.server_pid},
              {"rss_kib_baseline", server_rss_baseline_kib},
              {"rss_kib_idle", server_rss_idle_kib},
              {"rss_kib_per_idle_connection", round_to(per_idle, 2)},
              {"rss_kib_peak", server_rss_peak_kib},
              {"cpu_pct", round_to(server_cpu_pct, 1)}};
  }
  return {
      {"protocol", options.dialect == Dialect::livegate ? "livegate" : "socketio"},
      {"target", options.host + ":" + std::to_string(options.port) + options.path},
      {"connections_requested", options.connections},
      {"connections_established", t.established},
      {"connect_errors", sum(t.connect_errors)},
      {"connect_error_kinds", t.connect_errors},
      {"connect_seconds", round_to(t.connect_seconds, 2)},
      {"closes_by_server", sum(t.closes_by_server)},
      {"close_codes", t.closes_by_server},
      {"error_frames", t.error_frames},
      {"chatters", t.chatters},
      {"rate_per_chatter", options.rate},
      {"offered_msgs_per_s", round_to(offered, 2)},
      {"warmup_s", options.warmup},
      {"duration_s", window},
      {"messages_sent", t.sent_in_window},
      {"messages_sent_per_s", round_to(static_cast<double>(t.sent_in_window) / window, 2)},
      {"deliveries", t.deliveries_in_window},
      {"deliveries_per_s", round_to(static_cast<double>(t.deliveries_in_window) / window, 1)},
      {"delivery_ratio",
       expected > 0 ? round_to(static_cast<double>(t.deliveries_in_window) / expected, 4) : 0},
      {"min_connection_deliveries", t.min_connection_deliveries},
      {"max_connection_deliveries", t.max_connection_deliveries},
      {"received_mib_per_s",
       round_to(static_cast<double>(t.bytes_received) / window / 1048576.0, 1)},
      {"latency_ms",
       {{"samples", t.latency.count()},
        {"p50", ms(t.latency.quantile(0.50))},
        {"p90", ms(t.latency.quantile(0.90))},
        {"p99", ms(t.latency.quantile(0.99))},
        {"p999", ms(t.latency.quantile(0.999))},
        {"max", ms(t.latency.max())},
        {"mean", round_to(t.latency.mean() / 1000.0, 2)}}},
      {"server", server},
      {"aux_cpu_pct",
       options.aux_pid > 0 ? nlohmann::json(round_to(aux_cpu_pct, 1)) : nlohmann::json()},
      {"load_tool",
       {{"processes", options.processes},
        {"processes_reported", processes_reported},
        {"cpu_pct_total", round_to(tool_total, 1)},
        {"cpu_pct_max_process", round_to(tool_max, 1)}}},
  };
}

void print_text(const Report& r, std::ostream& out) {
  const auto j = r.to_json();
  out << "chat_load " << j["protocol"].get<std::string>() << " -> "
      << j["target"].get<std::string>() << "\n"
      << "  connections: " << j["connections_established"] << "/" << j["connections_requested"]
      << " established in " << j["connect_seconds"] << " s, " << j["connect_errors"]
      << " connect errors " << j["connect_error_kinds"].dump() << ", " << j["closes_by_server"]
      << " closed by the server " << j["close_codes"].dump() << "\n"
      << "  chat: " << j["chatters"] << " chatters x " << j["rate_per_chatter"] << "/s, sent "
      << j["messages_sent_per_s"] << " msgs/s, error frames " << j["error_frames"].dump() << "\n"
      << "  deliveries: " << j["deliveries_per_s"] << "/s (ratio " << j["delivery_ratio"]
      << ", per connection " << j["min_connection_deliveries"] << ".."
      << j["max_connection_deliveries"] << "), " << j["received_mib_per_s"] << " MiB/s\n"
      << "  latency ms: p50 " << j["latency_ms"]["p50"] << ", p99 " << j["latency_ms"]["p99"]
      << ", max " << j["latency_ms"]["max"] << " (" << j["latency_ms"]["samples"] << " samples)\n";
  if (!j["server"].is_null()) {
    out << "  server: RSS " << j["server"]["rss_kib_baseline"] << " KiB idle-before, "
        << j["server"]["rss_kib_idle"] << " KiB with connections ("
        << j["server"]["rss_kib_per_idle_connection"] << " KiB each), peak "
        << j["server"]["rss_kib_peak"] << " KiB; CPU " << j["server"]["cpu_pct"] << " %\n";
  }
  out << "  load tool: " << j["load_tool"]["processes"] << " processes, CPU "
      << j["load_tool"]["cpu_pct_total"] << " % total, " << j["load_tool"]["cpu_pct_max_process"]
      << " % in the busiest\n";
}

}  // namespace chat_load
