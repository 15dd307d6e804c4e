#include "livegate/server/http_server.h"

#include <sys/resource.h>

#include <cstdio>

#include "http_connection.h"
#include "livegate/common/guard.h"
#include "livegate/common/log.h"
#include "livegate/common/log_budget.h"
#include "livegate/common/metrics.h"
#include "uv_glib_source.h"
#include "websocket_session.h"

namespace livegate::server {

namespace {

constexpr int kBacklog = 511;

// Every connection is a file descriptor, and the soft limit is often 1,024: it goes up to the hard
// one (as nginx's worker_rlimit_nofile and Go's runtime do), and a limit below what the config
// allows is said at start, not found at the 1,025th viewer.
void raise_descriptor_limit(size_t max_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  constexpr rlim_t kOtherDescriptors = 256;  // Redis, media files, RTMP and SRT, logs
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < max_connections + kOtherDescriptors) {
    log("http")->warn("the process may open {} files, fewer than http.max_connections ({}) needs: raise LimitNOFILE / "
                      "ulimit -n",
                      static_cast<unsigned long long>(limit.rlim_cur), max_connections);
  }
}

}  // namespace

HttpServer::HttpServer(EventLoop& loop, HttpConfig config, HttpHandler handler, WebSocketHandler* websockets,
                       Metrics* metrics)
    : loop_(loop),
      config_(std::move(config)),
      metrics_(metrics),
      handler_(std::move(handler)),
      websockets_(websockets) {
  char prefix[16];
  std::snprintf(prefix, sizeof(prefix), "%06x", g_random_int() & 0xffffff);
  request_id_prefix_ = prefix;
}

HttpServer::~HttpServer() {
  *alive_ = false;
  guarded(Boundary::http, "stopping the HTTP server", [this] { stop(); });
}

Result<void> HttpServer::start() {
  raise_descriptor_limit(config_.max_connections);
  uv_loop_ = std::make_unique<uv_loop_t>();
  uv_loop_init(uv_loop_.get());
  uv_source_ = std::make_unique<UvGlibSource>(uv_loop_.get(), loop_.context());
  listener_ = std::make_unique<uv_tcp_t>();
  uv_tcp_init(uv_loop_.get(), listener_.get());
  listener_->data = this;
  sockaddr_storage addr{};
  const std::string& bind = config_.bind;
  const int parsed = bind.find(':') == std::string::npos
                         ? uv_ip4_addr(bind.c_str(), config_.port, reinterpret_cast<sockaddr_in*>(&addr))
                         : uv_ip6_addr(bind.c_str(), config_.port, reinterpret_cast<sockaddr_in6*>(&addr));
  int rc = parsed;
  if (rc == 0) rc = uv_tcp_bind(listener_.get(), reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(listener_.get()), kBacklog, on_connection);
  if (rc != 0) {
    std::string failure = "http: cannot listen on " + bind + ":" + std::to_string(config_.port) + ": " + uv_strerror(rc);
    uv_close(reinterpret_cast<uv_handle_t*>(listener_.release()), [](uv_handle_t* h) {
      delete reinterpret_cast<uv_tcp_t*>(h);
    });
    close_uv_loop();
    return fail(ErrorCode::unavailable, std::move(failure));
  }
  sockaddr_storage bound{};
  int len = sizeof(bound);
  uv_tcp_getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  log("http")->info("listening on http://{}:{}", bind, port_);
  return ok();
}

void HttpServer::on_connection(uv_stream_t* listener, int status) {
  auto* self = static_cast<HttpServer*>(listener->data);
  if (status < 0) {
    uint64_t held_back = 0;  // out of descriptors, every connect would say it
    if (self->accept_log_.take(&held_back)) {
      log("http")->warn("accept failed: {} ({} more not logged)", uv_strerror(status), held_back);
    }
    return;
  }
  guarded(Boundary::http, "accepting a connection", [self] { self->accept_one(); });
}

void HttpServer::accept_one() {
  const uint64_t id = next_id_++;
  auto connection = std::make_unique<HttpConnection>(*this, id);
  HttpConnection& c = *connection;
  connections_.emplace(id, std::move(connection));
  if (uv_accept(reinterpret_cast<uv_stream_t*>(listener_.get()), reinterpret_cast<uv_stream_t*>(c.tcp())) != 0) {
    return c.close_now();
  }
  c.start();
  if (connections_.size() > config_.max_connections) {
    log("http")->warn("{}: refused, {} connections open (http.max_connections)", c.peer(), connections_.size() - 1);
    c.refuse(503, "this server is full, try again shortly");
  }
}

HttpConnection* HttpServer::find(uint64_t id) {
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : it->second.get();
}

void HttpServer::forget(uint64_t id) { connections_.erase(id); }

void HttpServer::count_refusal(const std::string& peer, int status, const std::string& why) {
  if (metrics_) metrics_->count_http(status);
  uint64_t held_back = 0;
  if (!refusal_log_.take(&held_back)) return;
  log("http")->info("{}: {} {}{}", peer, status, why,
                    held_back ? " (" + std::to_string(held_back) + " more refusals not logged)" : std::string());
}

void HttpServer::mark_dirty(HttpConnection* connection) {
  if (connection->dirty_) return;
  connection->dirty_ = true;
  dirty_.push_back(connection->id());
  if (flush_posted_) return;
  flush_posted_ = true;
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive] {
    if (auto a = alive.lock(); a && *a) flush_dirty();
  });
}

void HttpServer::flush_dirty() {
  flush_posted_ = false;
  std::vector<uint64_t> ids;
  ids.swap(dirty_);
  for (uint64_t id : ids) {
    if (HttpConnection* c = find(id); c && c->dirty_) c->flush();
  }
}

std::string HttpServer::next_request_id() {
  char id[40];
  std::snprintf(id, sizeof(id), "%s-%llx", request_id_prefix_.c_str(), static_cast<unsigned long long>(next_request_++));
  return id;
}

void HttpServer::stop() {
  if (!uv_loop_) return;
  if (listener_) {  // nobody new while the rest closes
    uv_close(reinterpret_cast<uv_handle_t*>(listener_.release()), [](uv_handle_t* h) {
      delete reinterpret_cast<uv_tcp_t*>(h);
    });
  }
  // WebSockets hear "going away" if the kernel takes it now; then everything closes.
  for (auto& [id, c] : connections_) {
    if (c->websocket_ && !c->closing()) {
      c->websocket_->close(1001, "going away");
      c->flush();
    }
  }
  run_uv_loop_until_idle();
  std::vector<HttpConnection*> open;
  for (auto& [id, c] : connections_) open.push_back(c.get());
  for (HttpConnection* c : open) c->close_now();
  close_uv_loop();
}

void HttpServer::run_uv_loop_until_idle() {
  for (int i = 0; i < 20 && uv_loop_alive(uv_loop_.get()); ++i) {
    if (uv_run(uv_loop_.get(), UV_RUN_NOWAIT) == 0) break;
  }
}

// Handles close asynchronously: turn the loop (bounded) until they are all closed, then close
// it. Nothing else uses this loop.
void HttpServer::close_uv_loop() {
  if (!uv_loop_) return;
  for (int i = 0; i < 1000 && uv_loop_alive(uv_loop_.get()); ++i) uv_run(uv_loop_.get(), UV_RUN_NOWAIT);
  uv_source_.reset();
  if (uv_loop_close(uv_loop_.get()) != 0) {
    log("http")->warn("libuv loop still had open handles at shutdown");
    (void)uv_loop_.release();  // leak it rather than free memory libuv still points into
    return;
  }
  uv_loop_.reset();
}

}  // namespace livegate::server
