#pragma once
// The buyers: one single-threaded epoll loop holding every connection (the same small client as
// chat_load's worker: frames parsed in place from one shared receive buffer, one send per
// connection per wake-up, O(ready connections) per wake-up).
//
// Each connection says hello with its own guest secret (<run>-g<i>, so a guest id that stays
// the same if keys become scoped per user), waits for the welcome, then clicks buy. Every click
// has its own key <run>-<i>-<seq> and is remembered with its send time until a frame with the
// same key answers it: an `order` (ok, sold_out, duplicate) or an `error` (unavailable, ...).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "../chat_load/histogram.h"
#include "options.h"

namespace buy_load {

struct ClickResult {
  // connect phase
  uint64_t requested = 0;
  uint64_t established = 0;  // welcomed
  std::map<std::string, uint64_t> connect_errors;
  double connect_seconds = 0;

  // clicks
  uint64_t sent = 0;
  uint64_t sent_in_window = 0;
  uint64_t skipped_busy = 0;  // rate mode: a click was due while the connection had in_flight open
  uint64_t ok = 0;            // order frames by status, whole run (warm-up, window, drain)
  uint64_t sold_out = 0;
  uint64_t duplicate = 0;
  uint64_t other_status = 0;
  uint64_t ok_in_window = 0;               // ok acks received inside the window: orders/s
  std::map<std::string, uint64_t> errors;  // error frames answering a click, by code
  std::map<std::string, uint64_t> errors_without_key;
  uint64_t unknown_key = 0;  // an answer to no click of ours
  uint64_t unanswered = 0;   // clicks without an answer when the run ended (or the socket closed)
  std::map<std::string, uint64_t> closes_by_server;
  chat_load::Histogram latency;  // order frames for clicks sent inside the window, microseconds
  uint64_t bytes_received = 0;
  uint64_t batch_frames = 0;
};

class Clicker {
 public:
  explicit Clicker(const Options& options);
  ~Clicker();
  Clicker(const Clicker&) = delete;
  Clicker& operator=(const Clicker&) = delete;

  // Opens the connections at the planned rate until each is welcomed or failed (or the connect
  // timeout passes, and the rest count as failed).
  void connect_all();
  // Keeps the connections serviced (answers pings, reads batches) for this long.
  void idle(uint64_t microseconds);
  // Clicks from t0 until window_end; counts inside [window_start, window_end); then waits until
  // every click is answered or drain_end. on_window(true/false) runs as the window opens/closes.
  void run(uint64_t t0, uint64_t window_start, uint64_t window_end, uint64_t drain_end,
           const std::function<void(bool open)>& on_window);
  // Close 1000 on every connection, waits a little for the server.
  void close_all(uint64_t deadline);

  ClickResult& result() { return result_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  ClickResult result_;
};

}  // namespace buy_load
