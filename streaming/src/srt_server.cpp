#include "livegate/streaming/srt_server.h"

#include <arpa/inet.h>
#include <srt/access_control.h>
#include <srt/srt.h>

#include <algorithm>
#include <chrono>

#include "livegate/common/guard.h"
#include "livegate/common/log.h"
#include "livegate/common/secret_hash.h"

namespace livegate::streaming {

namespace {
std::string srt_error() { return srt_getlasterror_str(); }

// The stream key in a streamid: the whole id, or r= of the SRT access-control syntax
// "#!::r=<key>,m=publish" that some encoders send.
std::string key_from_streamid(std::string id) {
  if (id.rfind("#!::", 0) != 0) return id;
  const auto r = id.find("r=");
  if (r == std::string::npos) return {};
  const auto end = id.find(',', r);
  return id.substr(r + 2, end == std::string::npos ? std::string::npos : end - (r + 2));
}
}  // namespace

SrtServer::SrtServer(EventLoop& loop, SrtServerConfig config, Callbacks callbacks)
    : loop_(loop), config_(std::move(config)), callbacks_(std::move(callbacks)) {}

SrtServer::~SrtServer() {
  *alive_ = false;
  stop();
}

void SrtServer::set_key_hashes(std::set<std::string> key_hashes) {
  std::lock_guard lock(mutex_);
  key_hashes_ = std::move(key_hashes);
}

void SrtServer::disconnect(uint64_t connection) {
  std::lock_guard lock(mutex_);
  to_close_.push_back(connection);
}

Result<void> SrtServer::start() {
  srt_startup();
  listener_ = srt_create_socket();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(config_.port));
  if (inet_pton(AF_INET, config_.bind.c_str(), &addr.sin_addr) != 1) {
    return fail(ErrorCode::unavailable, "srt: bad bind address " + config_.bind);
  }
  int latency = config_.latency_ms;
  bool no = false;
  srt_setsockflag(listener_, SRTO_RCVLATENCY, &latency, sizeof(latency));
  srt_setsockflag(listener_, SRTO_RCVSYN, &no, sizeof(no));  // accept() must not block
  if (srt_bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == SRT_ERROR ||
      srt_listen_callback(listener_, &SrtServer::on_listen, this) == SRT_ERROR ||
      srt_listen(listener_, 16) == SRT_ERROR) {
    std::string failure = "srt: cannot listen on " + config_.bind + ":" + std::to_string(config_.port) + ": " + srt_error();
    srt_close(listener_);
    listener_ = -1;
    return fail(ErrorCode::unavailable, std::move(failure));
  }
  int len = sizeof(addr);
  srt_getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  epoll_ = srt_epoll_create();
  int events = SRT_EPOLL_IN | SRT_EPOLL_ERR;
  srt_epoll_add_usock(epoll_, listener_, &events);
  thread_ = std::thread([this] {
    if (!guarded(Boundary::ingest, "the SRT receive thread", [this] { run(); })) {
      log("srt")->critical("SRT ingest stopped after an internal error; restart livegate to take SRT again");
    }
  });
  log("srt")->info("listening on srt://{}:{}?streamid=<stream key>", config_.bind, port_);
  return ok();
}

void SrtServer::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  thread_.join();
  srt_epoll_release(epoll_);
  srt_close(listener_);
  srt_cleanup();
}

int SrtServer::on_listen(void* data, int socket, int version, const ::sockaddr* peer, const char* streamid) {
  // A failure refuses this caller (-1), never the process.
  return guarded_or(Boundary::ingest, "an SRT handshake", -1,
                    [&] { return check_caller(data, socket, version, peer, streamid); });
}

int SrtServer::check_caller(void* data, int socket, int, const ::sockaddr*, const char* streamid) {
  // SRT thread, inside the handshake: only the key set is read here.
  auto* self = static_cast<SrtServer*>(data);
  const std::string key = key_from_streamid(streamid ? streamid : "");
  const std::string digest = key.empty() ? std::string() : sha256_hex(key);
  {
    std::lock_guard lock(self->mutex_);
    // Every digest is compared in full, so timing does not tell how close a guess came.
    bool known = false;
    for (const auto& h : self->key_hashes_) known |= constant_time_equal(h, digest);
    if (known) return 0;
  }
  log("srt")->warn("caller refused in the handshake: unknown stream key");  // spdlog is thread-safe
  srt_setrejectreason(socket, SRT_REJX_FORBIDDEN);
  return -1;
}

void SrtServer::post_ended(uint64_t id, std::string why) {
  std::weak_ptr<std::atomic<bool>> alive = alive_;
  loop_.post([this, alive, id, why = std::move(why)] {
    if (auto a = alive.lock(); a && *a) callbacks_.ended(id, why);
  });
}

void SrtServer::run() {
  struct Caller {
    SRTSOCKET socket;
    std::string pending;
  };
  auto last_stats = std::chrono::steady_clock::now();
  std::map<uint64_t, Caller> callers;
  std::map<SRTSOCKET, uint64_t> by_socket;
  uint64_t next_id = kFirstId;
  std::weak_ptr<std::atomic<bool>> alive = alive_;
  auto drop = [&](uint64_t id, const std::string& why, bool tell) {
    auto it = callers.find(id);
    if (it == callers.end()) return;
    srt_epoll_remove_usock(epoll_, it->second.socket);
    srt_close(it->second.socket);
    by_socket.erase(it->second.socket);
    callers.erase(it);
    if (tell) post_ended(id, why);
  };
  char buf[1500];
  while (!stopping_) {
    {
      std::vector<uint64_t> closing;
      {
        std::lock_guard lock(mutex_);
        closing.swap(to_close_);
      }
      for (uint64_t id : closing) drop(id, "closed by the server", true);
    }
    SRT_EPOLL_EVENT ready[64];
    const int n = srt_epoll_uwait(epoll_, ready, 64, 200);
    for (int i = 0; i < n; ++i) {
      const SRTSOCKET s = ready[i].fd;
      if (s == listener_) {
        sockaddr_storage peer{};
        int len = sizeof(peer);
        SRTSOCKET caller;
        while ((caller = srt_accept(listener_, reinterpret_cast<sockaddr*>(&peer), &len)) != SRT_INVALID_SOCK) {
          char streamid[512] = {};
          int sid_len = sizeof(streamid) - 1;
          srt_getsockflag(caller, SRTO_STREAMID, streamid, &sid_len);
          if (callers.size() >= config_.max_connections) {
            srt_close(caller);
            continue;
          }
          bool no = false;
          srt_setsockflag(caller, SRTO_RCVSYN, &no, sizeof(no));
          const uint64_t id = next_id++;
          callers[id] = Caller{caller, {}};
          by_socket[caller] = id;
          int events = SRT_EPOLL_IN | SRT_EPOLL_ERR;
          srt_epoll_add_usock(epoll_, caller, &events);
          const std::string key =
              key_from_streamid(std::string(streamid, static_cast<size_t>(std::max(0, sid_len))));
          loop_.post([this, alive, id, key] {
            if (auto a = alive.lock(); !a || !*a) return;
            const std::string refusal = callbacks_.authorize(id, key);
            if (!refusal.empty()) {
              log("srt")->warn("caller refused: {}", refusal);
              disconnect(id);
            }
          });
        }
        continue;
      }
      auto found = by_socket.find(s);
      if (found == by_socket.end()) continue;
      const uint64_t id = found->second;
      Caller& c = callers[id];
      bool broken = (ready[i].events & SRT_EPOLL_ERR) != 0;
      while (!broken) {
        const int got = srt_recvmsg(c.socket, buf, sizeof(buf));
        if (got > 0) {
          c.pending.append(buf, static_cast<size_t>(got));
          continue;
        }
        if (srt_getlasterror(nullptr) != SRT_EASYNCRCV) broken = true;
        break;
      }
      // What arrived in this wakeup goes to the loop at once: latency over batching.
      if (!c.pending.empty()) {
        loop_.post([this, alive, id, bytes = std::move(c.pending)]() mutable {
          if (auto a = alive.lock(); a && *a) callbacks_.data(id, std::move(bytes));
        });
        c.pending.clear();
      }
      if (broken) drop(id, "caller disconnected", true);
    }
    if (callbacks_.link && std::chrono::steady_clock::now() - last_stats >= std::chrono::seconds(1)) {
      last_stats = std::chrono::steady_clock::now();
      for (const auto& [id, c] : callers) {
        SRT_TRACEBSTATS perf{};
        if (srt_bstats(c.socket, &perf, 0) != 0) continue;
        LinkStats stats{.lost_packets = static_cast<uint64_t>(std::max(0, perf.pktRcvLossTotal)),
                        .dropped_packets = static_cast<uint64_t>(std::max(0, perf.pktRcvDropTotal)),
                        .rtt_ms = perf.msRTT};
        // A copy: clang 14 cannot capture a structured binding (C++20 allows it, clang 16 does).
        loop_.post([this, alive, caller = id, stats] {
          if (auto a = alive.lock(); a && *a) callbacks_.link(caller, stats);
        });
      }
    }
  }
  for (auto& [id, c] : callers) srt_close(c.socket);
}

}  // namespace livegate::streaming
