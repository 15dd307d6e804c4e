#pragma once
// Command-line options of chat_load, parsed with CLI11 and checked for the two promises the
// tool makes: it only ever talks to loopback, and it always ends (bounded counts and times).

#include <cstdint>
#include <optional>
#include <string>

namespace chat_load {

enum class Dialect { livegate, socketio };

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path;  // default per dialect: /ws/<room> or the engine.io v4 WebSocket URL
  std::string room = "bench";
  Dialect dialect = Dialect::livegate;

  uint32_t connections = 100;
  uint32_t chatters = 10;
  double rate = 0.5;            // chat lines per second per chatter
  double duration = 10;         // measurement window, seconds
  double warmup = 2;            // load runs this long before the window opens
  double drain = 1;             // after the window: no more sends, frames still read
  double connect_rate = 2000;   // new connections per second, all processes together
  double connect_timeout = 60;  // every connection is welcomed or counted as failed by then
  uint32_t processes = 1;
  uint32_t per_address = 100;  // connections per loopback source address
  uint32_t first_address = 0;  // index of the first source address (127.0.0.2 is index 0)
  uint32_t text_bytes = 48;    // length of each chat line (marker + padding)

  int server_pid = 0;  // RSS and CPU of this process are sampled when set
  int aux_pid = 0;     // CPU only (e.g. the redis-server a server depends on)
  bool json = false;
};

inline constexpr uint32_t kMaxConnections = 20000;
inline constexpr double kMaxSeconds = 3600;  // any one phase (a soak runs for 30 minutes)

// Parses argv; nullopt with exit_code set when the tool should stop (help, bad options).
std::optional<Options> parse_options(int argc, char** argv, int& exit_code);

// The default path for the dialect when --path is not given.
std::string default_path(const Options& o);

}  // namespace chat_load
