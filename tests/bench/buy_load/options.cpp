#include "options.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

namespace buy_load {

namespace {

bool is_loopback(const std::string& host) {
  in_addr a{};
  if (inet_pton(AF_INET, host.c_str(), &a) != 1) return false;
  return (ntohl(a.s_addr) >> 24) == 127;
}

bool is_token(const std::string& s, size_t max) {
  return !s.empty() && s.size() <= max &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
             std::string::npos;
}

// Eight base-36 characters from the clock and the pid: keys of two runs against one Redis differ.
std::string random_run_id() {
  uint64_t x = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) ^
               (static_cast<uint64_t>(getpid()) << 40);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  std::string id;
  for (int i = 0; i < 8; ++i, x /= 36) id += "0123456789abcdefghijklmnopqrstuvwxyz"[x % 36];
  return id;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  Options o;
  CLI::App app{
      "buy_load: buy-now load on loopback. N WebSocket connections say hello in one room, then "
      "click buy (each click with its own idempotency key) at a set total rate or as fast as "
      "the order acks come back, with a bounded number unanswered per connection. Reports acked "
      "orders/s and the ack latency (send to the order frame with the same key)."};
  app.add_option("--host", o.host, "Target address (127.0.0.0/8 only)")->capture_default_str();
  app.add_option("--port", o.port, "Target port")->required()->check(CLI::Range(1, 65535));
  app.add_option("--room", o.room, "Room (broadcast id)")->capture_default_str();
  app.add_option("--path", o.path, "Request path (default /ws/<room>)");
  app.add_option("--sku", o.skus, "Product(s) to buy, clicks spread round-robin")
      ->capture_default_str();
  app.add_option("--qty", o.qty, "Units per click")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  app.add_option("-n,--connections", o.connections, "WebSocket connections (buyers)")
      ->capture_default_str()
      ->check(CLI::Range(1u, kMaxConnections));
  app.add_option("-r,--rate", o.rate, "Clicks per second, all connections; 0 = closed loop")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--in-flight", o.in_flight, "Unanswered clicks per connection at most")
      ->capture_default_str()
      ->check(CLI::Range(1u, kMaxInFlight));
  app.add_option("-d,--duration", o.duration, "Measurement window, seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.1, kMaxSeconds));
  app.add_option("--warmup", o.warmup, "Clicking before the window opens, seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.0, kMaxSeconds));
  app.add_option("--drain", o.drain, "Waiting for answers after the window, seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 60.0));
  app.add_option("--connect-rate", o.connect_rate, "New connections per second")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 100000.0));
  app.add_option("--connect-timeout", o.connect_timeout, "Seconds for the connect phase")
      ->capture_default_str()
      ->check(CLI::Range(1.0, kMaxSeconds));
  app.add_option("--per-address", o.per_address, "Connections per loopback source address")
      ->capture_default_str()
      ->check(CLI::Range(1u, 20000u));
  app.add_option("--first-address", o.first_address, "First source address index (0 = 127.0.0.2)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 60000u));
  app.add_option("--run-id", o.run_id, "Prefix of keys and guest secrets (default: random)");
  app.add_option("--server-pid", o.server_pid, "Sample this process's CPU over the window");
  app.add_option("--aux-pid", o.aux_pid, "Also sample this process's CPU (e.g. redis-server)");
  app.add_flag("--json", o.json, "Print the results as one JSON object");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  auto fail = [&](const std::string& why) {
    std::cerr << "buy_load: " << why << "\n";
    exit_code = 2;
    return std::nullopt;
  };
  if (!is_loopback(o.host)) return fail("refusing " + o.host + ": loopback (127.0.0.0/8) only");
  if (!is_token(o.room, 64)) return fail("--room: 1-64 of A-Z a-z 0-9 - _");
  for (const auto& s : o.skus) {
    if (s.empty() || s.size() > 128 || s.find_first_of("\"\\") != std::string::npos) {
      return fail("--sku: 1-128 characters, no quotes or backslashes");
    }
  }
  if (o.run_id.empty()) o.run_id = random_run_id();
  // key = <run>-<connection>-<sequence> must stay within the protocol's 8-64 characters.
  if (!is_token(o.run_id, 24)) return fail("--run-id: 1-24 of A-Z a-z 0-9 - _");
  if (o.path.empty()) o.path = "/ws/" + o.room;
  if (o.path.front() != '/' || o.path.find_first_of(" \r\n") != std::string::npos) {
    return fail("--path must start with / and hold no spaces");
  }
  return o;
}

}  // namespace buy_load
