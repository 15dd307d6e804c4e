#pragma once
// SRT ingest listener (srt://host:9000?streamid=<stream key>, MPEG-TS inside). libsrt sockets
// are not file descriptors the GLib loop can watch, so one SRT thread accepts and reads; it
// never touches broadcasts: it posts each caller's bytes and fate to the loop, where the
// callbacks run. Callers with an unknown stream key are rejected in the SRT handshake itself.

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

struct sockaddr;
#include <vector>

#include "livegate/common/event_loop.h"
#include "livegate/common/result.h"

namespace livegate::streaming {

struct SrtServerConfig {
  std::string bind = "0.0.0.0";
  int port = 9000;
  int latency_ms = 120;         // SRT receive latency: the retransmission window
  size_t max_connections = 64;
};

class SrtServer {
 public:
  // Connection ids of SRT callers live above this, apart from RTMP's.
  static constexpr uint64_t kFirstId = uint64_t{1} << 40;

  // The caller's link as libsrt sees it, totals since it connected.
  struct LinkStats {
    uint64_t lost_packets = 0;     // never arrived (retransmission asked for)
    uint64_t dropped_packets = 0;  // arrived too late for the latency window: holes in the stream
    double rtt_ms = 0;
  };

  struct Callbacks {  // all run on the loop
    std::function<std::string(uint64_t connection, const std::string& stream_key)> authorize;
    std::function<void(uint64_t connection, std::string&& ts_bytes)> data;
    std::function<void(uint64_t connection, const std::string& why)> ended;
    std::function<void(uint64_t connection, const LinkStats& stats)> link;  // every second; optional
  };

  SrtServer(EventLoop& loop, SrtServerConfig config, Callbacks callbacks);
  SrtServer(const SrtServer&) = delete;
  SrtServer& operator=(const SrtServer&) = delete;
  ~SrtServer();

  Result<void> start();
  void stop();
  int port() const { return port_; }
  // SHA-256 (livegate::sha256_hex) of the stream keys the handshake accepts (the loop keeps
  // this current); the keys themselves are never handed over.
  void set_key_hashes(std::set<std::string> key_hashes);
  // Asks the SRT thread to close a caller (e.g. refused on the loop).
  void disconnect(uint64_t connection);

 private:
  static int on_listen(void* self, int socket, int hsversion, const ::sockaddr* peer,
                       const char* streamid);
  static int check_caller(void* self, int socket, int hsversion, const ::sockaddr* peer,
                          const char* streamid);  // on_listen's work (guarded)
  void run();
  void post_ended(uint64_t id, std::string why);

  EventLoop& loop_;
  SrtServerConfig config_;
  Callbacks callbacks_;
  int listener_ = -1;
  int epoll_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;  // guards key_hashes_ and to_close_
  std::set<std::string> key_hashes_;
  std::vector<uint64_t> to_close_;
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
};

}  // namespace livegate::streaming
