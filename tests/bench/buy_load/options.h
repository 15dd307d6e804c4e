#pragma once
// Command-line options of buy_load, checked for the promises the tool makes: it only talks to
// loopback, and it always ends (bounded connections, bounded times, bounded clicks in flight).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace buy_load {

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string room = "bench";
  std::string path;  // default /ws/<room>
  std::vector<std::string> skus = {"bench-sku"};
  int qty = 1;

  uint32_t connections = 100;
  double rate = 0;         // clicks per second, all connections together; 0: as fast as acks allow
  uint32_t in_flight = 1;  // clicks a connection may have unanswered at once
  double duration = 10;    // measurement window, seconds
  double warmup = 2;       // clicking runs this long before the window opens
  double drain = 5;        // after the window: no new clicks, unanswered ones may still be answered
  double connect_rate = 2000;
  double connect_timeout = 60;
  uint32_t per_address = 100;  // connections per loopback source address (the server limits per IP)
  uint32_t first_address = 0;  // 127.0.0.2 is index 0
  std::string run_id;          // prefix of every idempotency key and guest secret; default: random

  int server_pid = 0;  // CPU of this process is sampled over the window when set
  int aux_pid = 0;     // likewise (the redis-server)
  bool json = false;
};

inline constexpr uint32_t kMaxConnections = 20000;
inline constexpr uint32_t kMaxInFlight = 64;
inline constexpr double kMaxSeconds = 3600;  // any one phase (a soak runs for 30 minutes)

// Parses argv; nullopt with exit_code set when the tool should stop (help, bad options).
std::optional<Options> parse_options(int argc, char** argv, int& exit_code);

}  // namespace buy_load
