// buy_load: buy-now load on loopback (see clicker.h for the client, and
// tests/bench/buy_orders.sh for the benchmark that runs it against livegate and measures the
// Redis EVALSHA ceiling beside it). Prints one JSON object (--json) or a short summary.

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "../chat_load/proc_stats.h"
#include "clicker.h"
#include "options.h"

using namespace buy_load;
using chat_load::cpu_seconds;
using chat_load::ms;
using chat_load::now_us;
using chat_load::raise_open_files;
using chat_load::round_to;

namespace {

struct CpuWindow {
  double server = 0, aux = 0, self = 0;
};

nlohmann::json report(const Options& o, const ClickResult& r, const CpuWindow& cpu) {
  const double window = o.duration;
  const auto& h = r.latency;
  uint64_t errors = 0;
  for (const auto& [code, n] : r.errors) errors += n;
  nlohmann::json j = {
      {"connections_requested", r.requested},
      {"connections_established", r.established},
      {"connect_errors", r.connect_errors},
      {"connect_seconds", round_to(r.connect_seconds, 2)},
      {"mode", o.rate > 0 ? "rate" : "closed_loop"},
      {"rate_offered", o.rate},
      {"in_flight", o.in_flight},
      {"window_seconds", window},
      {"run_id", o.run_id},
      {"skus", o.skus},
      {"qty", o.qty},
      {"clicks_sent", r.sent},
      {"clicks_sent_per_s", round_to(static_cast<double>(r.sent_in_window) / window, 1)},
      {"skipped_busy", r.skipped_busy},
      {"orders_per_s", round_to(static_cast<double>(r.ok_in_window) / window, 1)},
      {"acks",
       {{"ok", r.ok},
        {"sold_out", r.sold_out},
        {"duplicate", r.duplicate},
        {"other", r.other_status}}},
      {"errors", errors},
      {"error_codes", r.errors},
      {"errors_without_key", r.errors_without_key},
      {"unknown_key", r.unknown_key},
      {"unanswered", r.unanswered},
      {"closes_by_server", r.closes_by_server},
      {"latency_ms",
       {{"samples", h.count()},
        {"p50", ms(h.quantile(0.50))},
        {"p90", ms(h.quantile(0.90))},
        {"p99", ms(h.quantile(0.99))},
        {"max", ms(h.max())},
        {"mean", ms(static_cast<uint64_t>(h.mean()))}}},
      {"received_mib", round_to(static_cast<double>(r.bytes_received) / (1 << 20), 1)},
      {"batch_frames", r.batch_frames},
      {"load_tool_cpu_pct", round_to(cpu.self / window * 100, 1)},
  };
  if (o.server_pid > 0) j["server_cpu_pct"] = round_to(cpu.server / window * 100, 1);
  if (o.aux_pid > 0) j["aux_cpu_pct"] = round_to(cpu.aux / window * 100, 1);
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = 0;
  const std::optional<Options> parsed = parse_options(argc, argv, exit_code);
  if (!parsed) return exit_code;
  const Options o = *parsed;
  signal(SIGPIPE, SIG_IGN);
  if (!raise_open_files(o.connections + 64)) {
    std::cerr << "buy_load: " << o.connections << " connections exceed the open-file limit\n";
    return 2;
  }
  // Last line of defence for "it always ends".
  alarm(static_cast<unsigned>(o.connect_timeout + o.warmup + o.duration + o.drain + 30));

  Clicker clicker(o);
  clicker.connect_all();
  clicker.idle(500'000);  // the welcomes' viewer-count batches settle before the clock starts

  const uint64_t t0 = now_us() + 100'000;
  const uint64_t window_start = t0 + static_cast<uint64_t>(o.warmup * 1e6);
  const uint64_t window_end = window_start + static_cast<uint64_t>(o.duration * 1e6);
  const uint64_t drain_end = window_end + static_cast<uint64_t>(o.drain * 1e6);
  CpuWindow cpu;
  const pid_t self = getpid();
  clicker.run(t0, window_start, window_end, drain_end, [&](bool open) {
    const double sign = open ? -1 : 1;
    cpu.self += sign * cpu_seconds(self);
    if (o.server_pid > 0) cpu.server += sign * cpu_seconds(o.server_pid);
    if (o.aux_pid > 0) cpu.aux += sign * cpu_seconds(o.aux_pid);
  });
  clicker.close_all(now_us() + 1'000'000);

  const ClickResult& r = clicker.result();
  const nlohmann::json j = report(o, r, cpu);
  if (o.json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "buy_load: " << r.established << "/" << r.requested << " connected, "
              << j["orders_per_s"] << " orders/s acked (ok), p50 " << j["latency_ms"]["p50"]
              << " ms, p99 " << j["latency_ms"]["p99"] << " ms, max " << j["latency_ms"]["max"]
              << " ms; ok " << r.ok << ", sold_out " << r.sold_out << ", errors " << j["errors"]
              << ", unanswered " << r.unanswered << "\n";
  }
  return r.established > 0 ? 0 : 1;
}
