#pragma once
// The merged result of a run: what the workers counted plus what the coordinator sampled
// (server memory and CPU, the workers' own CPU), as JSON for scripts or as text for people.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "options.h"
#include "worker_result.h"

namespace chat_load {

struct Report {
  Options options;
  WorkerResult totals;
  uint32_t processes_reported = 0;
  uint64_t idle_connected = 0;
  uint64_t server_rss_baseline_kib = 0;  // before the first connection
  uint64_t server_rss_idle_kib = 0;      // every connection welcomed, no chat yet
  uint64_t server_rss_peak_kib = 0;      // highest sample (every 100 ms) under load
  double server_cpu_pct = 0;             // of one core, over the window
  double aux_cpu_pct = 0;
  std::vector<double> worker_cpu_pct;  // each load process, of one core, over the window

  nlohmann::json to_json() const;
};

void print_text(const Report& r, std::ostream& out);

}  // namespace chat_load
