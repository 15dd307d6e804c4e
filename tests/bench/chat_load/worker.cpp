#include "worker.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "dialect.h"
#include "proc_stats.h"
#include "worker_result.h"
#include "ws_codec.h"

namespace chat_load {

namespace {

constexpr uint64_t kControlTag = UINT64_MAX;
constexpr size_t kReceiveBuffer = 256 * 1024;
constexpr size_t kMaxPendingSend = 1 << 20;  // a client that cannot send this much is broken

// 127.0.0.2, 127.0.0.3, ... 127.0.0.254, 127.0.1.2, ...: never .0, .1 or .255 as last octet.
in_addr source_address(uint32_t index) {
  in_addr a{};
  a.s_addr = htonl(0x7F000000u | ((index / 253u) << 8) | (index % 253u + 2u));
  return a;
}

enum class State : uint8_t { idle, connecting, upgrading, open, welcomed, closing, closed };

struct Connection {
  int fd = -1;
  State state = State::idle;
  bool chatter = false;
  bool want_write = false;
  bool in_fragment = false;
  uint64_t window_deliveries = 0;
  std::string rx;    // unparsed bytes: the response head, or the tail of a partial frame
  std::string frag;  // a fragmented message being assembled
  std::string tx;    // bytes the socket did not take yet
};

class ClientPool {
 public:
  ClientPool(const WorkerPlan& plan, int control_fd)
      : plan_(plan), o_(plan.options), control_fd_(control_fd), conns_(plan.connections) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kControlTag;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, control_fd_, &ev);
    // Chatters spread evenly over the connections (and so over the source addresses).
    for (uint32_t i = 0; i < plan.chatters; ++i) {
      conns_[static_cast<size_t>(i) * plan.connections / plan.chatters].chatter = true;
    }
    scratch_.resize(kReceiveBuffer);
  }
  ~ClientPool() {
    for (auto& c : conns_) {
      if (c.fd >= 0) close(c.fd);
    }
    close(epoll_);
  }

  // Opens the connections at the planned rate; true once each is welcomed or failed, false if
  // the connect timeout passed first (the stragglers are then counted as failed).
  void connect_all() {
    const uint64_t start = now_us();
    const uint64_t deadline = start + static_cast<uint64_t>(o_.connect_timeout * 1e6);
    size_t started = 0;
    while (welcomed_ + failed_ < conns_.size()) {
      const uint64_t now = now_us();
      if (now >= deadline) break;
      const auto due = std::min<size_t>(
          conns_.size(),
          static_cast<size_t>(static_cast<double>(now - start) / 1e6 * plan_.connect_rate) + 1);
      for (; started < due; ++started) start_connection(started);
      poll_once(started < conns_.size() ? 1 : 10);
    }
    for (size_t i = 0; i < conns_.size(); ++i) {
      if (conns_[i].state != State::welcomed && conns_[i].state != State::closed) {
        fail(i, started > i ? "timeout" : "not_started");
      }
    }
    result_.connect_seconds = static_cast<double>(now_us() - start) / 1e6;
  }

  size_t welcomed() const { return welcomed_; }
  size_t failed() const { return failed_; }

  // Keeps the connections serviced until the coordinator says go (or goes away).
  bool wait_for_go(uint64_t& t0, uint64_t& window_start, uint64_t& window_end, uint64_t& drain_end,
                   uint64_t deadline) {
    while (now_us() < deadline) {
      poll_once(50);
      auto nl = control_buf_.find('\n');
      if (nl != std::string::npos) {
        unsigned long long a = 0, b = 0, c = 0, d = 0;
        if (std::sscanf(control_buf_.c_str(), "go %llu %llu %llu %llu", &a, &b, &c, &d) != 4) {
          return false;
        }
        t0 = a, window_start = b, window_end = c, drain_end = d;
        return true;
      }
      if (control_closed_) return false;
    }
    return false;
  }

  // Chatters send from t0 to window_end; deliveries and latencies count inside the window;
  // after it, frames are still read (so the server is never blocked by us) until drain_end.
  void run_load(uint64_t t0, uint64_t window_start, uint64_t window_end, uint64_t drain_end) {
    window_start_ = window_start;
    window_end_ = window_end;
    const double interval_us = o_.rate > 0 ? 1e6 / o_.rate : 0;
    using Due = std::pair<uint64_t, uint32_t>;
    std::priority_queue<Due, std::vector<Due>, std::greater<>> schedule;
    std::mt19937_64 rng(plan_.index * 7919u + 17u);
    std::uniform_real_distribution<double> phase(0, interval_us);
    if (interval_us > 0) {
      for (uint32_t i = 0; i < conns_.size(); ++i) {
        if (conns_[i].chatter && conns_[i].state == State::welcomed) {
          schedule.emplace(t0 + static_cast<uint64_t>(phase(rng)), i);
          ++result_.chatters;
        }
      }
    }
    uint64_t seq = 0;
    for (uint64_t now = now_us(); now < drain_end; now = now_us()) {
      while (!schedule.empty() && schedule.top().first <= now && now < window_end) {
        auto [due, i] = schedule.top();
        schedule.pop();
        Connection& c = conns_[i];
        if (c.state != State::welcomed) continue;  // closed by the server: it stops chatting
        send_text(i, chat_message(o_.dialect, chat_text(now, seq++, o_.text_bytes)));
        ++result_.sent_total;
        if (now >= window_start && now < window_end) ++result_.sent_in_window;
        // Keep the planned cadence; if we fell behind, do not burst to catch up.
        uint64_t next = due + static_cast<uint64_t>(interval_us);
        schedule.emplace(std::max(next, now), i);
      }
      int timeout_ms = 20;
      if (!schedule.empty() && now < window_end) {
        const uint64_t wait = schedule.top().first > now ? schedule.top().first - now : 0;
        timeout_ms = static_cast<int>(std::min<uint64_t>(20, wait / 1000));
      }
      poll_once(timeout_ms);
    }
    bool any = false;
    for (const auto& c : conns_) {
      if (c.state != State::welcomed) continue;
      result_.min_connection_deliveries =
          any ? std::min(result_.min_connection_deliveries, c.window_deliveries)
              : c.window_deliveries;
      result_.max_connection_deliveries =
          std::max(result_.max_connection_deliveries, c.window_deliveries);
      any = true;
    }
  }

  // Says goodbye (close 1000) and waits a little for the server's answer.
  void close_all(uint64_t deadline) {
    for (uint32_t i = 0; i < conns_.size(); ++i) {
      Connection& c = conns_[i];
      if (c.state == State::open || c.state == State::welcomed) {
        const char normal[2] = {0x03, static_cast<char>(0xE8)};  // 1000
        append_client_frame(c.tx, kClose, std::string_view(normal, 2), next_mask());
        c.state = State::closing;
        flush(i);
      } else if (c.fd >= 0 && c.state != State::closing) {
        drop(i);
      }
    }
    while (now_us() < deadline) {
      bool left = false;
      for (const auto& c : conns_) left |= c.fd >= 0;
      if (!left) break;
      poll_once(20);
    }
  }

  WorkerResult& result() {
    result_.assigned = conns_.size();
    result_.established = welcomed_;
    return result_;
  }

 private:
  uint32_t next_mask() {
    mask_state_ ^= mask_state_ << 13;
    mask_state_ ^= mask_state_ >> 17;
    mask_state_ ^= mask_state_ << 5;
    return mask_state_;
  }

  void start_connection(size_t i) {
    Connection& c = conns_[i];
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return fail(i, std::string("socket:") + strerrorname_np(errno));
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    // The port is picked at connect time, per (source, destination): each source address then
    // has its own ephemeral range, and the server sees many client IPs.
    setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    const uint32_t global = plan_.first_global + static_cast<uint32_t>(i);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    src.sin_addr = source_address(o_.first_address + global / o_.per_address);
    if (bind(c.fd, reinterpret_cast<sockaddr*>(&src), sizeof(src)) != 0) {
      return fail(i, std::string("bind:") + strerrorname_np(errno));
    }
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<uint16_t>(o_.port));
    inet_pton(AF_INET, o_.host.c_str(), &dst.sin_addr);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0 &&
        errno != EINPROGRESS) {
      return fail(i, std::string("connect:") + strerrorname_np(errno));
    }
    c.state = State::connecting;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = i;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
    c.want_write = true;
  }

  std::string name(size_t i) const { return "b" + std::to_string(plan_.first_global + i); }

  void poll_once(int timeout_ms) {
    epoll_event events[1024];
    const int n = epoll_wait(epoll_, events, 1024, timeout_ms);
    for (int k = 0; k < n; ++k) {
      if (events[k].data.u64 == kControlTag) {
        read_control();
        continue;
      }
      const auto i = static_cast<size_t>(events[k].data.u64);
      if (conns_[i].fd < 0) continue;
      if (events[k].events & EPOLLOUT) on_writable(i);
      if (conns_[i].fd >= 0 && (events[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) on_readable(i);
    }
  }

  void read_control() {
    char buf[256];
    const ssize_t n = read(control_fd_, buf, sizeof(buf));
    if (n <= 0) {
      control_closed_ = true;
      epoll_ctl(epoll_, EPOLL_CTL_DEL, control_fd_, nullptr);
      return;
    }
    control_buf_.append(buf, static_cast<size_t>(n));
  }

  void on_writable(size_t i) {
    Connection& c = conns_[i];
    if (c.state == State::connecting) {
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return fail(i, std::string("connect:") + strerrorname_np(err));
      c.state = State::upgrading;
      // 22 base64 characters and "==", as servers check (the value itself does not matter).
      char key[25];
      std::snprintf(key, sizeof(key), "bGl2ZWdhdGUtYmVu%06zu==", i % 1000000);
      c.tx += upgrade_request(o_.host, o_.port, o_.path, subprotocol(o_.dialect), key);
    }
    flush(i);
  }

  void flush(size_t i) {
    Connection& c = conns_[i];
    while (!c.tx.empty()) {
      const ssize_t n = ::send(c.fd, c.tx.data(), c.tx.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        return lost(i, std::string("send:") + strerrorname_np(errno));
      }
      c.tx.erase(0, static_cast<size_t>(n));
    }
    const bool want = !c.tx.empty();
    if (c.tx.size() > kMaxPendingSend) return lost(i, "send_backlog");
    if (want != c.want_write) {
      epoll_event ev{};
      ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
      ev.data.u64 = i;
      epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
      c.want_write = want;
    }
  }

  void send_text(size_t i, std::string_view text) {
    append_client_frame(conns_[i].tx, kText, text, next_mask());
    flush(i);
  }

  void on_readable(size_t i) {
    // One read per readiness event keeps the loop fair between connections; level-triggered
    // epoll brings us back for the rest.
    Connection& c = conns_[i];
    const ssize_t n = recv(c.fd, scratch_.data(), scratch_.size(), 0);
    if (n == 0) return lost(i, "eof");
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return lost(i, std::string("recv:") + strerrorname_np(errno));
    }
    const uint64_t now = now_us();
    if (now >= window_start_ && now < window_end_)
      result_.bytes_received += static_cast<uint64_t>(n);
    std::string_view fresh(scratch_.data(), static_cast<size_t>(n));
    if (c.state == State::upgrading) {
      c.rx.append(fresh);
      auto head = response_head_length(c.rx);
      if (!head) {
        if (c.rx.size() > 16384) fail(i, "bad_upgrade_response");
        return;
      }
      if (!upgrade_accepted(c.rx)) {
        return fail(i, "upgrade_refused:" + c.rx.substr(9, 3));
      }
      c.rx.erase(0, *head);
      c.state = State::open;
      if (auto hello = opening_message(o_.dialect, name(i)); !hello.empty()) {
        send_text(i, hello);
        if (c.fd < 0) return;
      }
      if (c.rx.empty()) return;
      std::string pending = std::move(c.rx);
      c.rx.clear();
      return consume(i, pending, now);
    }
    if (c.rx.empty()) return consume(i, fresh, now);
    c.rx.append(fresh);
    std::string pending = std::move(c.rx);
    c.rx.clear();
    consume(i, pending, now);
  }

  // Parses every complete frame in data; keeps the incomplete tail in rx.
  void consume(size_t i, std::string_view data, uint64_t now) {
    size_t off = 0;
    while (off < data.size()) {
      FrameView f;
      const ParseStatus s = parse_server_frame(data.substr(off), f);
      if (s == ParseStatus::need_more) break;
      if (s == ParseStatus::bad) return lost(i, "bad_frame");
      off += f.consumed;
      on_frame(i, f, now);
      if (conns_[i].fd < 0 || conns_[i].state == State::closed) return;
    }
    if (off < data.size()) conns_[i].rx.assign(data.substr(off));
  }

  void on_frame(size_t i, const FrameView& f, uint64_t now) {
    Connection& c = conns_[i];
    switch (f.opcode) {
      case kText:
      case kBinary:
        if (f.fin) return on_message(i, f.payload, now);
        c.in_fragment = true;
        c.frag.assign(f.payload);
        return;
      case kContinuation:
        if (!c.in_fragment) return lost(i, "bad_frame");
        c.frag.append(f.payload);
        if (f.fin) {
          c.in_fragment = false;
          std::string message = std::move(c.frag);
          c.frag.clear();
          on_message(i, message, now);
        }
        return;
      case kPing:
        append_client_frame(c.tx, kPong, f.payload, next_mask());
        return flush(i);
      case kClose: {
        int code = 1005;  // no status in the frame
        if (f.payload.size() >= 2) {
          code = (static_cast<uint8_t>(f.payload[0]) << 8) | static_cast<uint8_t>(f.payload[1]);
        }
        return lost(i, std::to_string(code), true);
      }
      default:
        return;
    }
  }

  void on_message(size_t i, std::string_view message, uint64_t now) {
    Connection& c = conns_[i];
    const Reaction r = react(o_.dialect, message);
    switch (r.kind) {
      case Reaction::Kind::deliveries: {
        if (c.state != State::welcomed) return;
        const bool in_window = now >= window_start_ && now < window_end_;
        const size_t lines = scan_deliveries(message, [&](uint64_t sent) {
          if (in_window) result_.latency.record(now > sent ? now - sent : 0);
        });
        result_.deliveries_total += lines;
        if (in_window) {
          result_.deliveries_in_window += lines;
          c.window_deliveries += lines;
        }
        return;
      }
      case Reaction::Kind::reply:
        return send_text(i, r.reply);
      case Reaction::Kind::join:
        return send_text(i, join_message(o_.dialect, o_.room, name(i)));
      case Reaction::Kind::welcome:
        if (c.state == State::open) {
          c.state = State::welcomed;
          ++welcomed_;
        }
        return;
      case Reaction::Kind::error:
        ++result_.error_frames[r.reply];
        return;
      case Reaction::Kind::refused:
        return lost(i, r.reply);
      case Reaction::Kind::none:
        return;
    }
  }

  // The connection ended. Before the welcome that is a connect error; after it, a close by the
  // server (by close code; "eof" etc. when the socket just went away).
  void lost(size_t i, const std::string& why, bool close_frame = false) {
    Connection& c = conns_[i];
    if (c.state == State::closing) return drop(i);  // we asked for it
    if (c.state == State::welcomed) {
      ++result_.closes_by_server[close_frame ? why : "no_close_frame:" + why];
      return drop(i);
    }
    fail(i, close_frame ? "closed_before_welcome:" + why : why);
  }

  void fail(size_t i, const std::string& why) {
    ++result_.connect_errors[why];
    ++failed_;
    drop(i);
  }

  void drop(size_t i) {
    Connection& c = conns_[i];
    if (c.fd >= 0) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
    }
    c.fd = -1;
    c.state = State::closed;
    std::string().swap(c.rx);
    std::string().swap(c.tx);
    std::string().swap(c.frag);
  }

  const WorkerPlan& plan_;
  const Options& o_;
  int control_fd_;
  int epoll_ = -1;
  std::vector<Connection> conns_;
  std::vector<char> scratch_;
  std::string control_buf_;
  bool control_closed_ = false;
  size_t welcomed_ = 0;
  size_t failed_ = 0;
  uint64_t window_start_ = UINT64_MAX;
  uint64_t window_end_ = 0;
  uint32_t mask_state_ = 0x9E3779B9u;
  WorkerResult result_;
};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

int run_worker(const WorkerPlan& plan, int control_fd, int result_fd) {
  signal(SIGPIPE, SIG_IGN);
  const Options& o = plan.options;
  // Last line of defence for "it always exits": whatever happens, the kernel ends us.
  alarm(static_cast<unsigned>(o.connect_timeout + 60 + o.warmup + o.duration + o.drain + 30));
  ClientPool pool(plan, control_fd);
  pool.connect_all();
  if (!write_all(result_fd, "connected " + std::to_string(pool.welcomed()) + " " +
                                std::to_string(pool.failed()) + "\n")) {
    return 1;
  }
  uint64_t t0 = 0, window_start = 0, window_end = 0, drain_end = 0;
  if (!pool.wait_for_go(t0, window_start, window_end, drain_end, now_us() + 60'000'000u)) {
    pool.close_all(now_us() + 1'000'000u);
    return 1;
  }
  pool.run_load(t0, window_start, window_end, drain_end);
  pool.close_all(now_us() + 1'000'000u);
  const std::string json = pool.result().to_json().dump() + "\n";
  return write_all(result_fd, json) ? 0 : 1;
}

}  // namespace chat_load
