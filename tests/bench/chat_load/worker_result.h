#pragma once
// What one load process measured, shipped to the coordinator as JSON over a pipe and summed
// there. Counts only: rates and percentages are computed once, from the sums.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "histogram.h"

namespace chat_load {

struct WorkerResult {
  uint64_t assigned = 0;                             // connections this process was asked to open
  uint64_t established = 0;                          // welcomed into the room
  uint64_t chatters = 0;                             // welcomed connections that sent chat
  std::map<std::string, uint64_t> connect_errors;    // kind -> count (never welcomed)
  std::map<std::string, uint64_t> closes_by_server;  // close code -> count (after the welcome)
  std::map<std::string, uint64_t> error_frames;      // error code -> count
  uint64_t sent_in_window = 0;
  uint64_t sent_total = 0;
  uint64_t deliveries_in_window = 0;  // chat lines received by all connections in the window
  uint64_t deliveries_total = 0;
  uint64_t min_connection_deliveries = 0;  // in the window, over connections open at its end
  uint64_t max_connection_deliveries = 0;
  uint64_t bytes_received = 0;  // in the window
  double connect_seconds = 0;   // first connect to the last welcome or failure
  Histogram latency;            // us, deliveries in the window only

  void merge(const WorkerResult& other);
  nlohmann::json to_json() const;
  static WorkerResult from_json(const nlohmann::json& j);
};

}  // namespace chat_load
