#include "options.h"

#include <arpa/inet.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

namespace chat_load {

namespace {

// Only 127.0.0.0/8: the tool opens thousands of connections and must never aim them elsewhere.
bool is_loopback(const std::string& host) {
  in_addr a{};
  if (inet_pton(AF_INET, host.c_str(), &a) != 1) return false;
  return (ntohl(a.s_addr) >> 24) == 127;
}

}  // namespace

std::string default_path(const Options& o) {
  return o.dialect == Dialect::socketio ? "/socket.io/?EIO=4&transport=websocket" : "/ws/" + o.room;
}

std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  Options o;
  CLI::App app{
      "chat_load: WebSocket chat fan-out load on loopback. N connections join one room, K of "
      "them chat at R lines/s each; every chat line carries its send time and every receiver "
      "records the delivery latency."};
  app.add_option("--host", o.host, "Target address (127.0.0.0/8 only)")->capture_default_str();
  app.add_option("--port", o.port, "Target port")->required()->check(CLI::Range(1, 65535));
  app.add_option("--path", o.path, "Request path (default /ws/<room>, or the socket.io URL)");
  app.add_option("--room", o.room, "Room (broadcast id) to join")->capture_default_str();
  const std::map<std::string, Dialect> dialects{{"livegate", Dialect::livegate},
                                                {"socketio", Dialect::socketio}};
  app.add_option("--protocol", o.dialect, "livegate (JSON frames) or socketio (engine.io v4)")
      ->transform(CLI::CheckedTransformer(dialects, CLI::ignore_case));
  app.add_option("-n,--connections", o.connections, "Connections in the room")
      ->capture_default_str()
      ->check(CLI::Range(1u, kMaxConnections));
  app.add_option("-k,--chatters", o.chatters, "How many of the connections send chat")
      ->capture_default_str();
  app.add_option("-r,--rate", o.rate, "Chat lines per second per chatter")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("-d,--duration", o.duration, "Measurement window, seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.1, kMaxSeconds));
  app.add_option("--warmup", o.warmup, "Load before the window opens, seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.0, kMaxSeconds));
  app.add_option("--drain", o.drain, "Reading without sending after the window, seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 30.0));
  app.add_option("--connect-rate", o.connect_rate, "New connections per second (all processes)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 100000.0));
  app.add_option("--connect-timeout", o.connect_timeout, "Seconds for the connect phase")
      ->capture_default_str()
      ->check(CLI::Range(1.0, kMaxSeconds));
  app.add_option("-p,--processes", o.processes, "Load processes sharing the connections")
      ->capture_default_str()
      ->check(CLI::Range(1u, 16u));
  app.add_option("--per-address", o.per_address, "Connections per loopback source address")
      ->capture_default_str()
      ->check(CLI::Range(1u, 20000u));
  app.add_option("--first-address", o.first_address,
                 "First source address index (0 = 127.0.0.2); lets runs use disjoint addresses")
      ->capture_default_str()
      ->check(CLI::Range(0u, 60000u));
  app.add_option("--text-bytes", o.text_bytes, "Length of each chat line")
      ->capture_default_str()
      ->check(CLI::Range(40u, 400u));
  app.add_option("--server-pid", o.server_pid, "Sample this process's RSS (VmRSS) and CPU");
  app.add_option("--aux-pid", o.aux_pid, "Also sample this process's CPU (e.g. redis-server)");
  app.add_flag("--json", o.json, "Print the results as one JSON object");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  auto fail = [&](const std::string& why) {
    std::cerr << "chat_load: " << why << "\n";
    exit_code = 2;
    return std::nullopt;
  };
  if (!is_loopback(o.host)) return fail("refusing " + o.host + ": loopback (127.0.0.0/8) only");
  if (o.room.empty() || o.room.size() > 64 ||
      o.room.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
          std::string::npos) {
    return fail("--room: 1-64 of A-Z a-z 0-9 - _");
  }
  if (o.chatters > o.connections) return fail("--chatters cannot exceed --connections");
  if (o.processes > o.connections) return fail("--processes cannot exceed --connections");
  if (o.path.empty()) o.path = default_path(o);
  if (o.path.front() != '/' || o.path.find_first_of(" \r\n") != std::string::npos) {
    return fail("--path must start with / and hold no spaces");
  }
  return o;
}

}  // namespace chat_load
