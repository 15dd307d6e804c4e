#include "clicker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <queue>
#include <random>
#include <vector>

#include "../chat_load/proc_stats.h"
#include "../chat_load/ws_codec.h"
#include "frames.h"

namespace buy_load {

using chat_load::now_us;

namespace {

constexpr size_t kReceiveBuffer = 256 * 1024;
constexpr size_t kMaxPendingSend = 1 << 20;

// 127.0.0.2, 127.0.0.3, ... never .0, .1 or .255 as last octet (as chat_load).
in_addr source_address(uint32_t index) {
  in_addr a{};
  a.s_addr = htonl(0x7F000000u | ((index / 253u) << 8) | (index % 253u + 2u));
  return a;
}

enum class State : uint8_t { connecting, upgrading, open, welcomed, closing, closed };

struct Click {
  uint64_t seq;
  uint64_t sent_us;
};

struct Connection {
  int fd = -1;
  State state = State::closed;
  bool want_write = false;
  bool in_fragment = false;
  uint64_t next_seq = 0;
  std::vector<Click> pending;  // at most in_flight: a linear search is cheapest
  std::string rx;
  std::string frag;
  std::string tx;
};

}  // namespace

struct Clicker::Impl {
  Impl(const Options& o, ClickResult& r) : o(o), result(r), conns(o.connections) {
    epoll = epoll_create1(EPOLL_CLOEXEC);
    scratch.resize(kReceiveBuffer);
    for (auto& s : o.skus) sku_frames.push_back(s);
  }
  ~Impl() {
    for (auto& c : conns) {
      if (c.fd >= 0) close(c.fd);
    }
    close(epoll);
  }

  const Options& o;
  ClickResult& result;
  int epoll = -1;
  std::vector<Connection> conns;
  std::vector<char> scratch;
  std::vector<std::string> sku_frames;
  size_t welcomed = 0, failed = 0;
  uint64_t window_start = UINT64_MAX, window_end = 0;
  bool clicking = false;    // new clicks may be sent (t0 .. window_end)
  bool closed_loop = true;  // each answer sends the next click
  uint64_t sku_turn = 0;
  uint32_t mask_state = 0x9E3779B9u;

  uint32_t next_mask() {
    mask_state ^= mask_state << 13;
    mask_state ^= mask_state >> 17;
    mask_state ^= mask_state << 5;
    return mask_state;
  }

  std::string guest_secret(size_t i) const { return o.run_id + "-g" + std::to_string(i); }
  std::string key_prefix(size_t i) const { return o.run_id + "-" + std::to_string(i) + "-"; }

  void start_connection(size_t i) {
    Connection& c = conns[i];
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return fail(i, std::string("socket:") + strerrorname_np(errno));
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    sockaddr_in src{};
    src.sin_family = AF_INET;
    src.sin_addr = source_address(o.first_address + static_cast<uint32_t>(i) / o.per_address);
    if (bind(c.fd, reinterpret_cast<sockaddr*>(&src), sizeof(src)) != 0) {
      return fail(i, std::string("bind:") + strerrorname_np(errno));
    }
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<uint16_t>(o.port));
    inet_pton(AF_INET, o.host.c_str(), &dst.sin_addr);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0 &&
        errno != EINPROGRESS) {
      return fail(i, std::string("connect:") + strerrorname_np(errno));
    }
    c.state = State::connecting;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = i;
    epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &ev);
    c.want_write = true;
  }

  void poll_once(int timeout_ms) {
    epoll_event events[1024];
    const int n = epoll_wait(epoll, events, 1024, timeout_ms);
    for (int k = 0; k < n; ++k) {
      const auto i = static_cast<size_t>(events[k].data.u64);
      if (conns[i].fd < 0) continue;
      if (events[k].events & EPOLLOUT) on_writable(i);
      if (conns[i].fd >= 0 && (events[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) on_readable(i);
    }
  }

  void on_writable(size_t i) {
    Connection& c = conns[i];
    if (c.state == State::connecting) {
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return fail(i, std::string("connect:") + strerrorname_np(err));
      c.state = State::upgrading;
      char key[25];
      std::snprintf(key, sizeof(key), "YnV5LWxvYWQtYmVu%06zu==", i % 1000000);
      c.tx += chat_load::upgrade_request(o.host, o.port, o.path, {}, key);
    }
    flush(i);
  }

  void flush(size_t i) {
    Connection& c = conns[i];
    while (!c.tx.empty()) {
      const ssize_t n = ::send(c.fd, c.tx.data(), c.tx.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        return lost(i, std::string("send:") + strerrorname_np(errno));
      }
      c.tx.erase(0, static_cast<size_t>(n));
    }
    if (c.tx.size() > kMaxPendingSend) return lost(i, "send_backlog");
    const bool want = !c.tx.empty();
    if (want != c.want_write) {
      epoll_event ev{};
      ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
      ev.data.u64 = i;
      epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &ev);
      c.want_write = want;
    }
  }

  // Queues one click (sent by the caller's flush).
  void queue_click(size_t i, uint64_t now) {
    Connection& c = conns[i];
    const uint64_t seq = c.next_seq++;
    std::string key = key_prefix(i);
    key += std::to_string(seq);
    const std::string& sku = sku_frames[sku_turn++ % sku_frames.size()];
    chat_load::append_client_frame(c.tx, chat_load::kText, buy_frame(sku, o.qty, key), next_mask());
    c.pending.push_back({seq, now});
    ++result.sent;
    if (now >= window_start && now < window_end) ++result.sent_in_window;
  }

  void on_readable(size_t i) {
    Connection& c = conns[i];
    const ssize_t n = recv(c.fd, scratch.data(), scratch.size(), 0);
    if (n == 0) return lost(i, "eof");
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return lost(i, std::string("recv:") + strerrorname_np(errno));
    }
    const uint64_t now = now_us();
    result.bytes_received += static_cast<uint64_t>(n);
    std::string_view fresh(scratch.data(), static_cast<size_t>(n));
    if (c.state == State::upgrading) {
      c.rx.append(fresh);
      auto head = chat_load::response_head_length(c.rx);
      if (!head) {
        if (c.rx.size() > 16384) fail(i, "bad_upgrade_response");
        return;
      }
      if (!chat_load::upgrade_accepted(c.rx))
        return fail(i, "upgrade_refused:" + c.rx.substr(9, 3));
      c.rx.erase(0, *head);
      c.state = State::open;
      chat_load::append_client_frame(c.tx, chat_load::kText,
                                     hello_frame(guest_secret(i), "buyer" + std::to_string(i)),
                                     next_mask());
      std::string pending = std::move(c.rx);
      c.rx.clear();
      consume(i, pending, now);
    } else if (c.rx.empty()) {
      consume(i, fresh, now);
    } else {
      c.rx.append(fresh);
      std::string pending = std::move(c.rx);
      c.rx.clear();
      consume(i, pending, now);
    }
    if (conns[i].fd >= 0) flush(i);  // hello, pongs and the clicks the answers made room for
  }

  void consume(size_t i, std::string_view data, uint64_t now) {
    size_t off = 0;
    while (off < data.size()) {
      chat_load::FrameView f;
      const auto s = chat_load::parse_server_frame(data.substr(off), f);
      if (s == chat_load::ParseStatus::need_more) break;
      if (s == chat_load::ParseStatus::bad) return lost(i, "bad_frame");
      off += f.consumed;
      on_frame(i, f, now);
      if (conns[i].fd < 0) return;
    }
    if (off < data.size()) conns[i].rx.assign(data.substr(off));
  }

  void on_frame(size_t i, const chat_load::FrameView& f, uint64_t now) {
    Connection& c = conns[i];
    switch (f.opcode) {
      case chat_load::kText:
        if (f.fin) return on_message(i, f.payload, now);
        c.in_fragment = true;
        c.frag.assign(f.payload);
        return;
      case chat_load::kContinuation:
        if (!c.in_fragment) return lost(i, "bad_frame");
        c.frag.append(f.payload);
        if (f.fin) {
          c.in_fragment = false;
          std::string message = std::move(c.frag);
          c.frag.clear();
          on_message(i, message, now);
        }
        return;
      case chat_load::kPing:
        chat_load::append_client_frame(c.tx, chat_load::kPong, f.payload, next_mask());
        return;
      case chat_load::kClose: {
        int code = 1005;
        if (f.payload.size() >= 2) {
          code = (static_cast<uint8_t>(f.payload[0]) << 8) | static_cast<uint8_t>(f.payload[1]);
        }
        return lost(i, std::to_string(code), true);
      }
      default:
        return;
    }
  }

  // The click this key answers, removed from the connection's pending list.
  bool take_pending(size_t i, std::string_view key, Click& out) {
    Connection& c = conns[i];
    const std::string prefix = key_prefix(i);
    if (!key.starts_with(prefix)) return false;
    uint64_t seq = 0;
    const auto digits = key.substr(prefix.size());
    if (std::from_chars(digits.data(), digits.data() + digits.size(), seq).ec != std::errc()) {
      return false;
    }
    auto it = std::find_if(c.pending.begin(), c.pending.end(),
                           [seq](const Click& p) { return p.seq == seq; });
    if (it == c.pending.end()) return false;
    out = *it;
    c.pending.erase(it);
    return true;
  }

  void on_message(size_t i, std::string_view message, uint64_t now) {
    Connection& c = conns[i];
    const ServerMessage m = classify(message);
    switch (m.kind) {
      case ServerMessage::Kind::batch:
        ++result.batch_frames;
        return;
      case ServerMessage::Kind::welcome:
        if (c.state == State::open) {
          c.state = State::welcomed;
          ++welcomed;
        }
        return;
      case ServerMessage::Kind::other:
        return;
      case ServerMessage::Kind::error:
      case ServerMessage::Kind::order:
        break;
    }
    if (m.kind == ServerMessage::Kind::error && m.key.empty()) {
      ++result.errors_without_key[std::string(m.code)];
      if (c.state == State::open) return lost(i, "refused:" + std::string(m.code));
      return;
    }
    Click click{};
    if (!take_pending(i, m.key, click)) {
      ++result.unknown_key;
      return;
    }
    const bool in_window = now >= window_start && now < window_end;
    if (m.kind == ServerMessage::Kind::error) {
      ++result.errors[std::string(m.code)];
    } else {
      if (m.status == "ok") {
        ++result.ok;
        if (in_window) ++result.ok_in_window;
      } else if (m.status == "sold_out") {
        ++result.sold_out;
      } else if (m.status == "duplicate") {
        ++result.duplicate;
      } else {
        ++result.other_status;
      }
      if (click.sent_us >= window_start && click.sent_us < window_end) {
        result.latency.record(now - click.sent_us);
      }
    }
    if (closed_loop && clicking && now < window_end && c.state == State::welcomed) {
      queue_click(i, now);
    }
  }

  void lost(size_t i, const std::string& why, bool close_frame = false) {
    Connection& c = conns[i];
    if (c.state == State::closing) return drop(i);
    if (c.state == State::welcomed) {
      ++result.closes_by_server[close_frame ? why : "no_close_frame:" + why];
      return drop(i);
    }
    fail(i, close_frame ? "closed_before_welcome:" + why : why);
  }

  void fail(size_t i, const std::string& why) {
    ++result.connect_errors[why];
    ++failed;
    drop(i);
  }

  void drop(size_t i) {
    Connection& c = conns[i];
    if (c.fd >= 0) {
      epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
    }
    c.fd = -1;
    c.state = State::closed;
    result.unanswered += c.pending.size();
    c.pending.clear();
    std::string().swap(c.rx);
    std::string().swap(c.tx);
    std::string().swap(c.frag);
  }
};

Clicker::Clicker(const Options& options) : impl_(std::make_unique<Impl>(options, result_)) {}
Clicker::~Clicker() = default;

void Clicker::connect_all() {
  Impl& s = *impl_;
  const uint64_t start = now_us();
  const uint64_t deadline = start + static_cast<uint64_t>(s.o.connect_timeout * 1e6);
  size_t started = 0;
  while (s.welcomed + s.failed < s.conns.size()) {
    const uint64_t now = now_us();
    if (now >= deadline) break;
    const auto due = std::min<size_t>(
        s.conns.size(),
        static_cast<size_t>(static_cast<double>(now - start) / 1e6 * s.o.connect_rate) + 1);
    for (; started < due; ++started) s.start_connection(started);
    s.poll_once(started < s.conns.size() ? 1 : 10);
  }
  for (size_t i = 0; i < s.conns.size(); ++i) {
    if (s.conns[i].state != State::welcomed && s.conns[i].state != State::closed) {
      s.fail(i, "timeout");
    } else if (i >= started) {
      ++s.result.connect_errors["not_started"];
    }
  }
  result_.requested = s.conns.size();
  result_.established = s.welcomed;
  result_.connect_seconds = static_cast<double>(now_us() - start) / 1e6;
}

void Clicker::idle(uint64_t microseconds) {
  const uint64_t end = now_us() + microseconds;
  for (uint64_t now = now_us(); now < end; now = now_us()) {
    impl_->poll_once(static_cast<int>(std::min<uint64_t>(50, (end - now) / 1000 + 1)));
  }
}

void Clicker::run(uint64_t t0, uint64_t window_start, uint64_t window_end, uint64_t drain_end,
                  const std::function<void(bool)>& on_window) {
  Impl& s = *impl_;
  s.window_start = window_start;
  s.window_end = window_end;
  s.closed_loop = s.o.rate <= 0;
  const size_t live = std::max<size_t>(1, s.welcomed);
  // Rate mode: each connection clicks every live/rate seconds from a random phase, so the total
  // is the set rate; a click due while the connection has in_flight unanswered is skipped.
  const double interval_us = s.closed_loop ? 0 : 1e6 * static_cast<double>(live) / s.o.rate;
  using Due = std::pair<uint64_t, uint32_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> schedule;
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> phase(0, std::max(1.0, interval_us));

  while (now_us() < t0) s.poll_once(1);
  s.clicking = true;
  for (uint32_t i = 0; i < s.conns.size(); ++i) {
    if (s.conns[i].state != State::welcomed) continue;
    if (s.closed_loop) {
      const uint64_t now = now_us();
      for (uint32_t k = 0; k < s.o.in_flight; ++k) s.queue_click(i, now);
      s.flush(i);
    } else {
      schedule.emplace(t0 + static_cast<uint64_t>(phase(rng)), i);
    }
  }
  bool window_open = false;
  for (uint64_t now = now_us(); now < window_end; now = now_us()) {
    if (!window_open && now >= window_start) {
      window_open = true;
      on_window(true);
    }
    while (!schedule.empty() && schedule.top().first <= now) {
      auto [due, i] = schedule.top();
      schedule.pop();
      Connection& c = s.conns[i];
      if (c.state != State::welcomed) continue;
      if (c.pending.size() < s.o.in_flight) {
        s.queue_click(i, now);
        s.flush(i);
      } else {
        ++result_.skipped_busy;
      }
      // Keep the cadence; after a stall, do not burst to catch up.
      schedule.emplace(std::max(due + static_cast<uint64_t>(interval_us), now), i);
    }
    // Sleep until the next click is due, rounded up to whole milliseconds: clicks due within
    // the same millisecond go out together instead of the loop spinning on a zero timeout (the
    // tool shares the two cores with the server it measures).
    int timeout_ms = 5;
    if (!schedule.empty()) {
      const uint64_t next = schedule.top().first;
      timeout_ms =
          static_cast<int>(std::clamp<uint64_t>((next - std::min(next, now) + 999) / 1000, 1, 5));
    }
    s.poll_once(timeout_ms);
  }
  if (!window_open) on_window(true);
  on_window(false);
  s.clicking = false;
  // Drain: every click still unanswered may be answered until drain_end.
  auto outstanding = [&] {
    for (const auto& c : s.conns) {
      if (!c.pending.empty()) return true;
    }
    return false;
  };
  while (now_us() < drain_end && outstanding()) s.poll_once(10);
}

void Clicker::close_all(uint64_t deadline) {
  Impl& s = *impl_;
  for (size_t i = 0; i < s.conns.size(); ++i) {
    Connection& c = s.conns[i];
    if (c.fd < 0) continue;
    // Clicks still open now were never answered.
    result_.unanswered += c.pending.size();
    c.pending.clear();
    if (c.state == State::open || c.state == State::welcomed) {
      const char normal[2] = {0x03, static_cast<char>(0xE8)};
      chat_load::append_client_frame(c.tx, chat_load::kClose, std::string_view(normal, 2),
                                     s.next_mask());
      c.state = State::closing;
      s.flush(i);
    } else {
      s.drop(i);
    }
  }
  while (now_us() < deadline) {
    bool left = false;
    for (const auto& c : s.conns) left |= c.fd >= 0;
    if (!left) break;
    s.poll_once(20);
  }
}

}  // namespace buy_load
