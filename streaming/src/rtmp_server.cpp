#include "livegate/streaming/rtmp_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "livegate/common/guard.h"
#include "livegate/common/log.h"
#include "rtmp/session.h"

namespace livegate::streaming {

namespace {
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxOutbound = 1 << 20;  // we only send small replies; a peer not reading is dead

std::string peer_name(const sockaddr_in& a) {
  char ip[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a.sin_addr, ip, sizeof(ip));
  return std::string(ip) + ":" + std::to_string(ntohs(a.sin_port));
}
}  // namespace

struct RtmpServer::Connection {
  RtmpServer* server = nullptr;
  uint64_t id = 0;
  int fd = -1;
  std::string peer;
  guint watch = 0;
  bool watching_out = false;
  std::unique_ptr<rtmp::Session> session;
  std::string outbound;
  bool closing = false;  // flush what is queued, then close
  std::string close_reason;
  std::chrono::steady_clock::time_point accepted;
  std::chrono::steady_clock::time_point last_activity;
};

RtmpServer::RtmpServer(EventLoop& loop, RtmpServerConfig config, Callbacks callbacks)
    : loop_(loop), config_(std::move(config)), callbacks_(std::move(callbacks)) {}

RtmpServer::~RtmpServer() { stop(); }

Result<void> RtmpServer::start() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(config_.port));
  if (inet_pton(AF_INET, config_.bind.c_str(), &addr.sin_addr) != 1) {
    return fail(ErrorCode::unavailable, "rtmp: bad bind address " + config_.bind);
  }
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd_, 64) != 0) {
    std::string failure = "rtmp: cannot listen on " + config_.bind + ":" + std::to_string(config_.port) + ": " +
             std::strerror(errno);
    close(listen_fd_);
    listen_fd_ = -1;
    return fail(ErrorCode::unavailable, std::move(failure));
  }
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  accept_watch_ = g_unix_fd_add(listen_fd_, G_IO_IN, &RtmpServer::on_accept, this);
  sweep_timer_ = loop_.every(std::chrono::seconds(1), [this] {
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::pair<uint64_t, std::string>> expired;
    for (const auto& [id, c] : connections_) {
      if (!c->session->publishing() && now - c->accepted > config_.handshake_timeout) {
        expired.emplace_back(id, "did not start publishing in time");
      } else if (now - c->last_activity > config_.idle_timeout) {
        expired.emplace_back(id, "idle timeout");
      }
    }
    for (const auto& [id, why] : expired) close_connection(id, why);
    return true;
  });
  log("rtmp")->info("listening on rtmp://{}:{}/{}/<stream key>", config_.bind, port_, config_.app);
  return ok();
}

void RtmpServer::stop() {
  sweep_timer_.cancel();
  while (!connections_.empty()) close_connection(connections_.begin()->first, "server stopping");
  if (accept_watch_) g_source_remove(accept_watch_);
  accept_watch_ = 0;
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
}

gboolean RtmpServer::on_accept(gint, GIOCondition, gpointer data) {
  auto* self = static_cast<RtmpServer*>(data);
  guarded(Boundary::ingest, "accepting RTMP connections", [self] { self->accept_all(); });
  return G_SOURCE_CONTINUE;
}

void RtmpServer::accept_all() {
  RtmpServer* self = this;
  while (true) {
    sockaddr_in peer{};
    socklen_t len = sizeof(peer);
    const int fd = accept4(self->listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) break;
    const std::string name = peer_name(peer);
    if (self->connections_.size() >= self->config_.max_connections) {
      log("rtmp")->warn("{}: refused, {} connections already", name, self->connections_.size());
      close(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto c = std::make_unique<Connection>();
    c->server = self;
    c->id = self->next_id_++;
    c->fd = fd;
    c->peer = name;
    c->accepted = c->last_activity = std::chrono::steady_clock::now();
    const uint64_t id = c->id;
    rtmp::SessionLimits limits;
    limits.app = self->config_.app;
    limits.chunks.max_message_bytes = self->config_.max_message_bytes;
    limits.chunks.max_partial_bytes = 2 * static_cast<size_t>(self->config_.max_message_bytes);
    c->session = std::make_unique<rtmp::Session>(
        limits,
        rtmp::Session::Callbacks{
            .on_publish = [self, id](const std::string& key) { return self->callbacks_.authorize(id, key); },
            .on_media =
                [self, id](FlvTag&& tag) {
                  std::string why = self->callbacks_.media(id, std::move(tag));
                  if (!why.empty()) {
                    if (auto it = self->connections_.find(id); it != self->connections_.end()) {
                      it->second->closing = true;
                      it->second->close_reason = why;
                    }
                  }
                },
            .on_unpublish = [self, id]() { self->callbacks_.ended(id, "unpublished"); }});
    c->watch = g_unix_fd_add(fd, static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR),
                             &RtmpServer::on_io, c.get());
    log("rtmp")->debug("{}: connected", name);
    self->connections_.emplace(id, std::move(c));
  }
}

gboolean RtmpServer::on_io(gint, GIOCondition condition, gpointer data) {
  auto* c = static_cast<Connection*>(data);
  RtmpServer* self = c->server;
  const uint64_t id = c->id;
  gboolean result = G_SOURCE_REMOVE;
  if (!guarded(Boundary::ingest, "an RTMP connection", [&] { result = self->serve_io(*c, condition); })) {
    self->close_connection(id, "internal error");  // only this publisher goes
    return G_SOURCE_REMOVE;
  }
  return result;
}

gboolean RtmpServer::serve_io(Connection& connection, GIOCondition condition) {
  Connection* c = &connection;
  RtmpServer* self = this;
  const uint64_t id = c->id;
  if (condition & G_IO_OUT) {
    if (!self->flush(*c)) {
      self->close_connection(id, "write failed");
      return G_SOURCE_REMOVE;
    }
  }
  if (condition & (G_IO_IN | G_IO_HUP | G_IO_ERR)) {
    char buf[kReadChunk];
    const ssize_t n = read(c->fd, buf, sizeof(buf));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      self->close_connection(id, n == 0 ? "publisher disconnected" : std::strerror(errno));
      return G_SOURCE_REMOVE;
    }
    if (n > 0) {
      c->last_activity = std::chrono::steady_clock::now();
      const bool keep = c->session->feed(std::string_view(buf, static_cast<size_t>(n)), c->outbound);
      if (!keep && !c->closing) {
        c->closing = true;
        c->close_reason = c->session->reason();
      }
      if (!self->flush(*c) || (c->closing && c->outbound.empty())) {
        self->close_connection(id, c->closing ? c->close_reason : "write failed");
        return G_SOURCE_REMOVE;
      }
    }
  }
  return G_SOURCE_CONTINUE;
}

bool RtmpServer::flush(Connection& c) {
  while (!c.outbound.empty()) {
    const ssize_t n = send(c.fd, c.outbound.data(), c.outbound.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      return false;
    }
    c.outbound.erase(0, static_cast<size_t>(n));
  }
  if (c.outbound.size() > kMaxOutbound) return false;
  // Watch for writability only while something waits to be sent.
  const bool want_out = !c.outbound.empty();
  if (want_out != c.watching_out) {
    const GIOCondition want = static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR |
                                                        (want_out ? G_IO_OUT : 0));
    g_source_remove(c.watch);
    c.watch = g_unix_fd_add(c.fd, want, &RtmpServer::on_io, &c);
    c.watching_out = want_out;
  }
  return true;
}

void RtmpServer::disconnect(uint64_t connection, const std::string& why) { close_connection(connection, why); }

void RtmpServer::close_connection(uint64_t id, const std::string& why) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  std::unique_ptr<Connection> c = std::move(it->second);
  connections_.erase(it);
  const bool was_publishing = c->session->publishing();
  c->session->end(why);  // calls ended() once for an active publication
  if (c->watch) g_source_remove(c->watch);
  close(c->fd);
  if (was_publishing || why.find("refused") != std::string::npos || c->closing) {
    log("rtmp")->info("{}: closed ({})", c->peer, why);
  } else {
    log("rtmp")->debug("{}: closed ({})", c->peer, why);
  }
}

}  // namespace livegate::streaming
