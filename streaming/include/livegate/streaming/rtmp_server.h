#pragma once
// RTMP ingest listener (rtmp://host:1935/live/<stream key>) on the event loop. GStreamer has no
// RTMP server element; this one speaks the handshake, chunk stream and AMF0 commands itself and
// hands each accepted publisher's media up as FLV tags. Sockets are non-blocking and read on
// the loop; media leaves through the callbacks (the broadcast pipeline's appsrc is thread-safe).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "livegate/common/event_loop.h"
#include "livegate/common/result.h"
#include "livegate/streaming/flv.h"

namespace livegate::streaming {

struct RtmpServerConfig {
  std::string bind = "0.0.0.0";
  int port = 1935;
  std::string app = "live";
  size_t max_connections = 64;
  std::chrono::milliseconds handshake_timeout{10000};  // connect to publish must finish by then
  std::chrono::milliseconds idle_timeout{30000};       // no bytes for this long: close
  uint32_t max_message_bytes = 8u << 20;  // largest RTMP message (a keyframe) accepted
};

class RtmpServer {
 public:
  struct Callbacks {
    // "" accepts the publisher for this key; anything else is the refusal reason (logged and
    // sent to the client as NetStream.Publish.BadName).
    std::function<std::string(uint64_t connection, const std::string& stream_key)> authorize;
    // A media tag of an accepted publisher; return a reason to disconnect it (e.g. a codec we
    // cannot pass through), "" to go on.
    std::function<std::string(uint64_t connection, FlvTag&& tag)> media;
    // The accepted publisher stopped or went away.
    std::function<void(uint64_t connection, const std::string& why)> ended;
  };

  RtmpServer(EventLoop& loop, RtmpServerConfig config, Callbacks callbacks);
  RtmpServer(const RtmpServer&) = delete;
  RtmpServer& operator=(const RtmpServer&) = delete;
  ~RtmpServer();

  Result<void> start();
  void stop();
  int port() const { return port_; }
  size_t connections() const { return connections_.size(); }
  // Disconnects one connection (e.g. its broadcast ended).
  void disconnect(uint64_t connection, const std::string& why);

 private:
  struct Connection;
  static gboolean on_accept(gint fd, GIOCondition condition, gpointer self);
  static gboolean on_io(gint fd, GIOCondition condition, gpointer data);
  void accept_all();                                         // on_accept's work (guarded)
  gboolean serve_io(Connection& c, GIOCondition condition);  // on_io's work (guarded)
  void close_connection(uint64_t id, const std::string& why);
  bool flush(Connection& c);

  EventLoop& loop_;
  RtmpServerConfig config_;
  Callbacks callbacks_;
  int listen_fd_ = -1;
  guint accept_watch_ = 0;
  int port_ = 0;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Connection>> connections_;
  Timer sweep_timer_;
};

}  // namespace livegate::streaming
