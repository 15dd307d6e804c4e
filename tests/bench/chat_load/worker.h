#pragma once
// One load process: a single-threaded epoll loop holding its share of the connections.
//
// A small epoll client rather than libwebsockets' client API: the tool must stay cheaper than
// the server it measures, on the same 2 cores. lws 4.1's own loop is poll(), O(all connections)
// per wake-up, and the server-side profile of livegate at 10,000 connections (lws on GLib)
// shows that per-wake-up cost dominating; an lws client was not benchmarked here. Measured:
// this loop holds 10,000 connections in one process at 25-30 % of a core while receiving
// ~100,000 chat lines/s (tests/bench/chat_fanout.sh reports its CPU in every run). It does only
// what the measurement needs: a shared 256 KiB receive buffer, frames parsed in place, one
// substring scan per message, no allocation per frame, a few hundred bytes per connection,
// O(ready connections) per wake-up.
//
// The coordinator talks to it over two pipes:
//   worker -> "connected <welcomed> <failed>\n" once every connection is in the room or failed
//   coordinator -> "go <t0> <window_start> <window_end> <drain_end>\n" (CLOCK_MONOTONIC us)
//   worker -> its WorkerResult as JSON, then it closes every connection and exits.

#include <cstdint>

#include "options.h"

namespace chat_load {

struct WorkerPlan {
  Options options;
  uint32_t index = 0;        // of this process
  uint32_t connections = 0;  // this process's share
  uint32_t chatters = 0;
  uint32_t first_global = 0;  // global index of its first connection (picks source addresses)
  double connect_rate = 0;    // this process's share, per second
};

// Runs the whole life of a worker; returns the process exit code.
int run_worker(const WorkerPlan& plan, int control_fd, int result_fd);

}  // namespace chat_load
