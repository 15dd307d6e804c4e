// HttpConnection's output side: queueing bytes and handing them to libuv, the deadlines, and
// the ways a connection ends (after writing, now, with a reset, on a later turn).

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "http_connection.h"
#include "livegate/common/guard.h"
#include "livegate/common/log.h"
#include "websocket_session.h"

namespace livegate::server {

namespace {

constexpr size_t kMaxBuffersPerWrite = 512;
constexpr int kLingerMs = 2000;  // what a client still sends after the answer is read and dropped

struct WriteRequest {
  uv_write_t req{};
  HttpConnection* connection = nullptr;
  std::vector<OutChunk> chunks;  // alive until the kernel has them
};

}  // namespace

// ---- writing -------------------------------------------------------------------------------

void HttpConnection::queue(OutChunk chunk) {
  if (chunk.size == 0 || closing_ || shut_down_) return;
  queued_bytes_ += chunk.size;
  queued_.push_back(std::move(chunk));
}

void HttpConnection::queue_copy(std::string_view bytes) {
  auto copy = std::make_shared<const std::string>(bytes);
  queue({copy, copy->data(), copy->size()});
}

void HttpConnection::drop_queued() {
  queued_.clear();
  queued_bytes_ = 0;
}

size_t HttpConnection::unsent_bytes() const {
  return queued_bytes_ +
         uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(&tcp_));
}

void HttpConnection::flush() {
  dirty_ = false;
  if (closing_) return;
  while (!queued_.empty()) {
    auto* w = new WriteRequest;
    w->connection = this;
    std::vector<uv_buf_t> bufs;
    while (!queued_.empty() && bufs.size() < kMaxBuffersPerWrite) {
      OutChunk& c = queued_.front();
      bufs.push_back(uv_buf_init(const_cast<char*>(c.data), static_cast<unsigned int>(c.size)));
      queued_bytes_ -= c.size;
      w->chunks.push_back(std::move(c));
      queued_.pop_front();
    }
    w->req.data = w;
    if (uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&tcp_), bufs.data(),
                 static_cast<unsigned int>(bufs.size()), on_write) != 0) {
      delete w;
      return close_now();
    }
    ++writes_in_flight_;
  }
  // Bytes the kernel did not take: from now the client must take some within the send clock
  // (restarted on each completed write, written()). Not restarted here, or a client that never
  // reads would be kept alive by every new frame.
  if (uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(&tcp_)) > 0 &&
      (deadline_ == Deadline::none)) {
    arm(Deadline::send);
  }
  // A WebSocket client far behind is not read until it catches up: its pings' pongs (and
  // anything else it makes us send) cannot pile up without bound.
  if (phase_ == Phase::websocket && unsent_bytes() > server_.websocket_read_pause_bytes()) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    reading_paused_ = true;
  }
}

void HttpConnection::on_write(uv_write_t* req, int status) {
  std::unique_ptr<WriteRequest> w(static_cast<WriteRequest*>(req->data));
  HttpConnection* self = w->connection;
  --self->writes_in_flight_;
  if (status < 0) {
    if (status != UV_ECANCELED) self->close_now();  // ECANCELED: closing already
    return;
  }
  w.reset();  // the bytes are the kernel's now
  if (!guarded(Boundary::http, "an HTTP write", [self] { self->written(); })) self->close_now();
}

void HttpConnection::written() {
  if (closing_) return;
  if (file_fd_ >= 0 && !write_file_block()) return;
  if (!queued_.empty()) flush();
  if (unsent_bytes() > 0) {
    if (deadline_ == Deadline::send || deadline_ == Deadline::none)
      arm(Deadline::send);  // progress: the clock restarts
    return;
  }
  if (deadline_ == Deadline::send) arm(Deadline::none);
  if (reading_paused_ && !shutdown_when_written_ && !peer_done_) {
    reading_paused_ = false;
    uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read);
  }
  if (shutdown_when_written_) return shut_down();
  if (phase_ == Phase::handling && answer_queued_) response_written();
}

void HttpConnection::close_after_writing() {
  if (closing_ || shut_down_) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  shutdown_when_written_ = true;
  if (unsent_bytes() == 0 && writes_in_flight_ == 0) return shut_down();
  // A client that takes nothing more must not keep the connection: it goes when the send clock
  // runs out.
  if (deadline_ != Deadline::send) arm(Deadline::send);
}

void HttpConnection::shut_down() {
  shutdown_when_written_ = false;
  if (shut_down_ || closing_) return;
  shut_down_ = true;
  auto* req = new uv_shutdown_t;
  req->data = this;
  if (uv_shutdown(req, reinterpret_cast<uv_stream_t*>(&tcp_), on_shutdown) != 0) {
    delete req;
    return close_now();
  }
}

void HttpConnection::on_shutdown(uv_shutdown_t* req, int status) {
  auto* self = static_cast<HttpConnection*>(req->data);
  delete req;
  if (status < 0 || self->closing_) return self->close_now();
  // The FIN is out. What the client still sends is read and dropped for a moment, so a client
  // that was still sending sees the answer instead of a reset that discards it.
  self->phase_ = Phase::lingering;
  self->arm(Deadline::linger);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&self->tcp_), on_alloc, on_read);
}

// ---- clocks and closing --------------------------------------------------------------------

void HttpConnection::arm(Deadline deadline) {
  deadline_ = deadline;
  const auto& c = server_.config_;
  int ms = 0;
  switch (deadline) {
    case Deadline::none:
      uv_timer_stop(&timer_);
      return;
    case Deadline::keepalive:
      ms = c.keepalive_timeout_ms;
      break;
    case Deadline::head:
      ms = c.header_timeout_ms;
      break;
    case Deadline::body:
      ms = c.body_timeout_ms;
      break;
    case Deadline::send:
      ms = c.send_timeout_ms;
      break;
    case Deadline::handler:
      ms = c.handler_timeout_ms;
      break;
    case Deadline::linger:
      ms = kLingerMs;
      break;
  }
  uv_timer_start(&timer_, on_timer, static_cast<uint64_t>(ms), 0);
}

void HttpConnection::on_timer(uv_timer_t* timer) {
  auto* self = static_cast<HttpConnection*>(timer->data);
  if (!guarded(Boundary::http, "an HTTP deadline", [self] { self->expired(); })) self->close_now();
}

void HttpConnection::expired() {
  const auto& c = server_.config_;
  const Deadline d = deadline_;
  deadline_ = Deadline::none;
  switch (d) {
    case Deadline::head:
      return respond_error(
          408,
          "the request head did not arrive within " + std::to_string(c.header_timeout_ms) + " ms",
          true);
    case Deadline::body:
      return respond_error(
          408, "the body did not arrive within " + std::to_string(c.body_timeout_ms) + " ms", true);
    case Deadline::send:
      log("http")->info("{}: reset, took nothing of what it was sent for {} ms", peer_,
                        c.send_timeout_ms);
      return reset_now();
    case Deadline::handler:
      // A handler that never answered (its Respond kept, never called): the client is told, and
      // an answer that comes later is dropped (the request's number has moved on).
      log("http")->error("{}: {} {} got no answer within {} ms", peer_, head_.method, head_.path,
                         c.handler_timeout_ms);
      ++seq_;
      return respond_error(
          504, "livegate did not answer within " + std::to_string(c.handler_timeout_ms) + " ms",
          true);
    case Deadline::keepalive:
    case Deadline::linger:
    case Deadline::none:
      return close_now();
  }
}

void HttpConnection::close_now() {
  if (closing_) return;
  closing_ = true;
  if (websocket_) websocket_->gone();
  if (file_fd_ >= 0) ::close(file_fd_);
  file_fd_ = -1;
  queued_.clear();
  queued_bytes_ = 0;
  uv_timer_stop(&timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_closed);
}

void HttpConnection::reset_now() {
  if (closing_) return;
  // SO_LINGER {1, 0}: close() then sends a reset and drops what the kernel holds (what
  // uv_tcp_close_reset() does, which refuses a handle after uv_shutdown()).
  uv_os_fd_t fd;
  linger reset{1, 0};
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(&tcp_), &fd) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset)) != 0) {
    log("http")->debug("{}: closed without a reset: {}", peer_, std::strerror(errno));
  }
  close_now();
}

void HttpConnection::close_soon() {
  if (closing_) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  arm(Deadline::none);
  std::weak_ptr<bool> alive = server_.alive_;
  server_.loop_.post([server = &server_, alive, id = id_] {
    if (auto a = alive.lock(); !a || !*a) return;
    if (HttpConnection* c = server->find(id)) c->close_now();
  });
}

void HttpConnection::on_closed(uv_handle_t* handle) {
  auto* self = static_cast<HttpConnection*>(handle->data);
  if (--self->open_handles_ == 0) self->server_.forget(self->id_);  // deletes self
}

}  // namespace livegate::server
