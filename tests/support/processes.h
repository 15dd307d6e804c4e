#pragma once
// Real processes for integration tests: a redis-server and a livegate on free loopback ports,
// each in its own temporary directory, stopped (SIGTERM, then SIGKILL) when the object dies.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace livegate::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
// A UDP port on 127.0.0.1 that was free a moment ago (SRT runs over UDP).
int free_udp_port();
// A fresh directory under /tmp, removed by the caller (or left for post-mortem on failure).
std::string make_temp_dir(const std::string& prefix);
bool wait_for_port(int port, std::chrono::milliseconds timeout);

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { stop(); }

  // Starts argv[0] (searched in PATH) with stdout/stderr appended to log_path.
  bool start(const std::vector<std::string>& argv, const std::string& log_path,
             const std::string& cwd = {});
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  void kill_hard();
  bool running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

struct RedisOptions {
  bool appendonly = false;               // AOF in the server's own directory
  std::string appendfsync = "everysec";  // always | everysec | no (with appendonly)
};

class RedisServer {
 public:
  RedisServer();
  explicit RedisServer(RedisOptions options);
  ~RedisServer();
  // The first start picks a free port; a start after stop() or kill_hard() reuses the port and
  // the directory (so the AOF is loaded again). True once Redis answers PING (data loaded).
  bool start();
  void stop() { process_.stop(); }
  // SIGKILL: no shutdown, no last AOF write beyond what Redis already did.
  void kill_hard() { process_.kill_hard(); }
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }

 private:
  ChildProcess process_;
  RedisOptions options_;
  std::string dir_;
  int port_ = 0;
};

// livegate started from the build tree with a generated config.
class LivegateServer {
 public:
  // broadcasts_yaml: the "broadcasts:" list in YAML, indented by two spaces per item.
  // http_yaml / media_yaml: more lines for the http: and media: sections the fixture writes
  // itself (each indented by two spaces, ending in a newline).
  LivegateServer(int redis_port, std::string broadcasts_yaml, std::string extra_yaml = {},
                 std::string http_yaml = {}, std::string media_yaml = {});
  const std::string& config_path() const { return config_path_; }
  ~LivegateServer();
  // Also restarts it after stop() or kill_hard(), on the same ports and config.
  bool start(std::chrono::milliseconds timeout = std::chrono::milliseconds(20000));
  void stop() { process_.stop(); }
  void kill_hard() { process_.kill_hard(); }
  // For signals the test sends itself (SIGTERM to watch a drain).
  pid_t pid() const { return process_.pid(); }
  bool running() { return process_.running(); }
  int port() const { return port_; }
  int rtmp_port() const { return rtmp_port_; }
  int srt_port() const { return srt_port_; }
  const std::string& media_root() const { return media_root_; }
  std::string log() const;

 private:
  ChildProcess process_;
  std::string dir_;
  std::string media_root_;
  std::string config_path_;
  int port_ = 0;
  int rtmp_port_ = 0;
  int srt_port_ = 0;
};

// A TCP connection to 127.0.0.1:port (-1 on failure), with a receive timeout when given.
int connect_loopback(int port, std::chrono::milliseconds receive_timeout = std::chrono::milliseconds(0));

// Runs a shell command (the caller quotes), returns its stdout.
std::string run_command(const std::string& command);

// Blocking HTTP/1.1 request on 127.0.0.1 (request_headers as "Name: value"); returns the status
// (0 on failure) and fills body/headers.
int http_request(int port, const std::string& method, const std::string& path,
                 const std::string& request_body, const std::vector<std::string>& request_headers,
                 std::string* body = nullptr, std::string* headers = nullptr);

// What a server sent back on one connection for raw request bytes.
struct RawExchange {
  std::string bytes;      // everything received
  bool closed = false;    // the server closed (or reset) the connection
  std::chrono::milliseconds elapsed{0};  // from sending to the first byte (or to giving up)
  // Every status line in bytes ("HTTP/1.1 400 ..." -> 400), in order.
  std::vector<int> statuses() const;
  // The body of the first response (after its empty line, up to the next status line).
  std::string first_body() const;
};

// Sends bytes on a new connection to 127.0.0.1:port and reads until the server closes or
// nothing more arrives for `quiet`. A test's bound on how long a case may take.
// half_close: shut the sending side after the request, as a client that says no more.
RawExchange raw_exchange(int port, const std::string& request,
                         std::chrono::milliseconds quiet = std::chrono::milliseconds(1000), bool half_close = false);

// Blocking HTTP/1.1 GET on 127.0.0.1; returns status (0 on failure) and fills body.
int http_get(int port, const std::string& path, std::string* body = nullptr,
             std::string* headers = nullptr);

}  // namespace livegate::testing
