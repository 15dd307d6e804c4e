#pragma once
// WHIP ingest (RFC 9725): an HTTP POST of an SDP offer to /whip/{stream key} creates a session
// and answers with SDP and a Location for the session resource; DELETE on that resource ends it.
// This class keeps the sessions, their limits and their watchdog; the HTTP routes are the
// server's. It meets broadcasts through the same callbacks as the RTMP and SRT listeners.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "livegate/common/event_loop.h"
#include "livegate/common/result.h"
#include "livegate/streaming/whip_session.h"

namespace livegate::streaming {

struct WhipServerConfig {
  WhipMediaConfig media;
  size_t max_sessions = 4;                         // each one decodes and encodes: CPU-bound
  std::chrono::seconds answer_timeout{10};         // offer → answer (ICE gathering)
  std::chrono::seconds media_timeout{10};          // no media for this long ends a session
};

class WhipServer {
 public:
  // Connection ids of WHIP sessions live above this, apart from RTMP's and SRT's.
  static constexpr uint64_t kFirstId = uint64_t{1} << 41;

  struct Callbacks {  // all run on the loop
    // ok() accepts (the broadcast is reserved for this connection); an error refuses the offer
    // with its message and the status its code means: conflict 409 (a publisher is on), limit
    // or unavailable 503 (try again later), any other 403.
    std::function<Result<void>(uint64_t connection, const std::string& stream_key)> authorize;
    std::function<void(uint64_t connection, std::string&& ts_bytes)> data;
    std::function<void(uint64_t connection, const std::string& why)> ended;
  };

  struct Answer {
    int status = 0;           // 201, or an HTTP error status
    std::string sdp;          // the SDP answer (201)
    std::string resource;     // the session's id for its Location (201)
    std::string error;        // why not (otherwise)
  };

  WhipServer(EventLoop& loop, WhipServerConfig config, Callbacks callbacks);
  WhipServer(const WhipServer&) = delete;
  WhipServer& operator=(const WhipServer&) = delete;
  ~WhipServer();

  // Takes a publisher's offer for a stream key; done runs once, on the loop.
  void offer(const std::string& stream_key, const std::string& sdp, std::function<void(Answer)> done);
  // DELETE of a session resource: false when there is no such session.
  bool remove(const std::string& resource);
  // Ends a session from our side (the broadcast ended, or a refusal).
  void disconnect(uint64_t connection);
  void stop();
  size_t sessions() const { return sessions_.size(); }

 private:
  struct Session {
    std::unique_ptr<WhipSession> media;
    std::string resource;
    std::function<void(Answer)> done;  // until answered
    Timer answer_timer;
    std::chrono::steady_clock::time_point last_data;
  };
  void finish(uint64_t connection, const std::string& why);
  void check_media();

  EventLoop& loop_;
  WhipServerConfig config_;
  Callbacks callbacks_;
  std::map<uint64_t, Session> sessions_;
  uint64_t next_id_ = kFirstId;
  Timer watchdog_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The refusal text for a key that already has a publisher (HTTP 409 rather than 403).
inline constexpr const char* kAlreadyPublishing = "this broadcast already has a publisher";

}  // namespace livegate::streaming
