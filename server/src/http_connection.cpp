#include "http_connection.h"

#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "http_syntax.h"
#include "livegate/common/guard.h"
#include "livegate/common/log.h"
#include "websocket_session.h"

namespace livegate::server {

namespace {

constexpr size_t kReadBuffer = 64 * 1024;
constexpr size_t kFileBlock = 256 * 1024;  // a file answer is read this much at a time...
constexpr size_t kFileAhead = 512 * 1024;  // ...while less than this waits to be sent
constexpr unsigned kKeepaliveIdleSeconds = 60;
constexpr unsigned kKeepaliveProbes = 10;  // libuv's, one a second after the idle time
constexpr std::string_view kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7), made once a second.
const std::string& http_date() {
  static thread_local std::time_t made = 0;
  static thread_local std::string text;
  const std::time_t now = std::time(nullptr);
  if (now != made) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[64];
    std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &utc);
    text = buf;
    made = now;
  }
  return text;
}

// A header a handler set that cannot go on the wire as it is: a name that is not a token, a
// value with CR, LF or NUL (which would split the response).
bool safe_header(const std::string& name, const std::string& value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!http_syntax::is_tchar(static_cast<unsigned char>(c))) return false;
  }
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

// Set by the server from its own framing; a handler's copy (in any case) would contradict it.
bool framing_header(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name == "content-length" || name == "transfer-encoding" || name == "connection" || name == "date" ||
         name == "server" || name == "upgrade" || name == "keep-alive";
}

std::string peer_of(uv_tcp_t* tcp) {
  sockaddr_storage addr{};
  int len = sizeof(addr);
  if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "?";
  char ip[INET6_ADDRSTRLEN] = "?";
  if (addr.ss_family == AF_INET) {
    uv_ip4_name(reinterpret_cast<sockaddr_in*>(&addr), ip, sizeof(ip));
  } else if (addr.ss_family == AF_INET6) {
    uv_ip6_name(reinterpret_cast<sockaddr_in6*>(&addr), ip, sizeof(ip));
  }
  return ip;
}

// Sec-WebSocket-Accept for a client's key (RFC 6455 §4.2.2).
std::string websocket_accept(const std::string& key) {
  const std::string text = key + std::string(kWebSocketGuid);
  GChecksum* sha1 = g_checksum_new(G_CHECKSUM_SHA1);
  g_checksum_update(sha1, reinterpret_cast<const guchar*>(text.data()), static_cast<gssize>(text.size()));
  guint8 digest[20];
  gsize digest_len = sizeof(digest);
  g_checksum_get_digest(sha1, digest, &digest_len);
  g_checksum_free(sha1);
  gchar* encoded = g_base64_encode(digest, digest_len);
  std::string accept(encoded);
  g_free(encoded);
  return accept;
}

// A Sec-WebSocket-Key is the base64 of 16 bytes (24 characters).
bool valid_websocket_key(const std::string& key) {
  if (key.size() != 24) return false;
  for (char c : key) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return false;
  }
  gsize len = 0;
  guchar* raw = g_base64_decode(key.c_str(), &len);
  g_free(raw);
  return len == 16;
}

}  // namespace

// The one answer a request gets. Handlers pass copies of its Respond around (into Redis
// callbacks, timers); when the last copy is gone without an answer, or the handler threw, the
// request still gets one: a 500 with its request id, and the log says what went wrong. A client
// never waits out a timeout because a handler lost its way.
class Answer {
 public:
  Answer(HttpServer& server, std::weak_ptr<bool> alive, uint64_t connection, uint64_t seq, std::string request_id,
         std::string what)
      : server_(server),
        alive_(std::move(alive)),
        connection_(connection),
        seq_(seq),
        request_id_(std::move(request_id)),
        what_(std::move(what)) {}
  Answer(const Answer&) = delete;
  Answer& operator=(const Answer&) = delete;
  ~Answer() {
    if (answered_) return;
    guarded(Boundary::http, what_, [this] {
      log("http")->error("internal error in {}: the request was dropped without an answer", what_);
      send(internal_error());
    });
  }

  void send(HttpResponse response) {
    if (answered_) return;  // answered twice: the first answer stands
    answered_ = true;
    if (auto a = alive_.lock(); !a || !*a) return;
    response.headers.emplace_back("x-request-id", request_id_);
    if (HttpConnection* c = server_.find(connection_)) c->answer(seq_, std::move(response));
  }

  // The handler threw: the exception's chain goes to the log and the metric, the client gets 500.
  void fail(const std::exception_ptr& e) {
    report_exception(Boundary::http, what_, e);
    send(internal_error());
  }

 private:
  HttpResponse internal_error() const {
    return json_response(500, nlohmann::json{{"error", "internal error: livegate logged it as request " + request_id_},
                                             {"request_id", request_id_}});
  }

  HttpServer& server_;
  std::weak_ptr<bool> alive_;
  uint64_t connection_;
  uint64_t seq_;
  std::string request_id_;
  std::string what_;  // "POST /api/broadcasts (request 3fa2c1-1f)", for the log
  bool answered_ = false;
};

HttpConnection::HttpConnection(HttpServer& server, uint64_t id) : server_(server), id_(id) {
  uv_tcp_init(server_.uv_loop_.get(), &tcp_);
  uv_timer_init(server_.uv_loop_.get(), &timer_);
  tcp_.data = this;
  timer_.data = this;
  open_handles_ = 2;
}

HttpConnection::~HttpConnection() {
  if (file_fd_ >= 0) ::close(file_fd_);
}

void HttpConnection::start() {
  peer_ = peer_of(&tcp_);
  uv_tcp_nodelay(&tcp_, 1);
  // A viewer whose network vanished (a NAT forgot it, a phone lost coverage) sends no FIN: the
  // kernel's keepalive finds it, so it leaves the room's count and its slot.
  uv_tcp_keepalive(&tcp_, 1, kKeepaliveIdleSeconds);
  // What the send clock cannot see: bytes already in the kernel that the client never takes
  // (its window stays at zero, or the network went). The kernel gives up on them after the send
  // clock's time, but never sooner than keepalive would: with a user timeout set, the kernel
  // ends an idle connection as soon as that time has passed and one probe is unanswered, not
  // after libuv's 10 probes a second apart.
  uv_os_fd_t fd;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(&tcp_), &fd) == 0) {
    const unsigned int ms = std::max(static_cast<unsigned int>(server_.config_.send_timeout_ms),
                                     (kKeepaliveIdleSeconds + kKeepaliveProbes) * 1000);
    if (setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof(ms)) != 0) {
      log("http")->debug("{}: TCP_USER_TIMEOUT not set: {}", peer_, std::strerror(errno));
    }
  }
  if (uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read) != 0) return close_now();
  arm(Deadline::keepalive);  // a connection opened ahead of time (a browser's preconnect) may idle
}

// ---- reading -------------------------------------------------------------------------------

void HttpConnection::on_alloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  // One buffer for every connection: libuv fills it and calls on_read before the next alloc.
  static thread_local char buffer[kReadBuffer];
  *buf = uv_buf_init(buffer, sizeof(buffer));
}

void HttpConnection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<HttpConnection*>(stream->data);
  if (nread == 0) return;
  if (nread < 0) {
    if (nread != UV_EOF || self->closing_) return self->close_now();
    // The client closed its side: what it asked for (this request, and whole ones it sent
    // behind it) is still answered, then the connection ends. A WebSocket's close frame in answer
    // still goes out.
    uv_read_stop(stream);
    self->peer_done_ = true;
    switch (self->phase_) {
      case Phase::handling: return;  // next_request() sees peer_done_
      case Phase::websocket: return self->close_after_writing();
      default: return self->close_now();  // a request cut short, or lingering
    }
  }
  if (!guarded(Boundary::http, "an HTTP connection",
               [&] { self->received(std::string_view(buf->base, static_cast<size_t>(nread))); })) {
    self->close_now();
  }
}

void HttpConnection::received(std::string_view bytes) {
  switch (phase_) {
    case Phase::lingering:
      return;  // after the answer that ended it: read and dropped until the client closes
    case Phase::websocket:
      return websocket_->received(bytes);
    default:
      break;
  }
  in_.append(bytes);
  // A client sending ahead (pipelining) while its request is answered: no more than one full
  // request is kept; the kernel holds the rest until it is read again.
  const auto& c = server_.config_;
  if (phase_ == Phase::handling && in_.size() > c.max_header_bytes + c.max_body_bytes) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  }
  process();
}

void HttpConnection::process() {
  const auto& c = server_.config_;
  while (!closing_) {
    if (phase_ == Phase::head) {
      if (in_.empty()) return;
      if (deadline_ == Deadline::keepalive) arm(Deadline::head);  // the first byte of a request
      // A head is read again only when a line may have ended (or it passed the limit, or it is
      // still short enough to be judged as garbage): a client sending a byte at a time costs a
      // scan per line, not per byte.
      const bool new_line = in_.find('\n', head_scanned_) != std::string::npos;
      if (!new_line && in_.size() > 64 && in_.size() <= c.max_header_bytes) {
        head_scanned_ = in_.size();
        return;
      }
      HeadParse p = parse_request_head(in_, HeadLimits{c.max_header_bytes, c.max_header_fields});
      head_scanned_ = in_.size();
      if (p.result == HeadParse::Result::need_more) return;
      head_scanned_ = 0;
      if (p.result == HeadParse::Result::failed) return respond_error(p.status, p.error, true);
      head_ = std::move(p.head);
      in_.erase(0, p.consumed);
      ++seq_;
      close_after_ = !head_.keep_alive;
      head_only_ = head_.method == "HEAD";
      body_.clear();
      if (head_.websocket_upgrade) return upgrade();
      if (!head_.has_body()) return dispatch();
      begin_body();
      continue;
    }
    if (phase_ == Phase::body) {
      const auto step = body_reader_->read(in_, &body_, c.max_body_bytes, c.max_header_bytes);
      if (step.result == RequestBody::Step::Result::failed) return respond_error(step.status, step.error, true);
      in_.erase(0, step.consumed);
      if (step.result == RequestBody::Step::Result::need_more) return;
      return dispatch();
    }
    return;  // handling or a WebSocket: nothing more is read as a request
  }
}

void HttpConnection::begin_body() {
  const auto& c = server_.config_;
  // A body that cannot be taken is refused before it is sent (and before 100 Continue).
  if (head_.content_length && *head_.content_length > c.max_body_bytes) {
    return respond_error(413, "the body is larger than " + std::to_string(c.max_body_bytes) + " bytes", true);
  }
  body_reader_ = head_.chunked ? RequestBody::chunked() : RequestBody::fixed(*head_.content_length);
  phase_ = Phase::body;
  arm(Deadline::body);
  if (head_.expect_continue) {
    queue_copy("HTTP/1.1 100 Continue\r\n\r\n");
    flush();
  }
}

void HttpConnection::dispatch() {
  phase_ = Phase::handling;
  arm(Deadline::handler);
  body_reader_.reset();
  HttpRequest request;
  request.method = head_.method;
  request.path = head_.path;
  request.query = std::move(head_.query);
  auto field = [this](std::string_view name) {
    const std::string* v = head_.field(name);
    return v ? *v : std::string();
  };
  request.authorization = field("authorization");
  request.content_type = field("content-type");
  request.accept_encoding = field("accept-encoding");
  request.origin = field("origin");
  request.body = std::move(body_);
  body_.clear();
  const std::string request_id = server_.next_request_id();
  // A WHIP path carries a stream key: never write it to the log.
  const std::string path = request.path.starts_with("/whip/") ? std::string("/whip/<stream key>") : request.path;
  log("http")->debug("{} {} {} ({})", peer_, request.method, path, request_id);
  auto answer = std::make_shared<Answer>(server_, server_.alive_, id_, seq_, request_id,
                                         request.method + " " + path + " (request " + request_id + ")");
  try {
    server_.handler_(request, [answer](HttpResponse response) { answer->send(std::move(response)); });
  } catch (...) {
    answer->fail(std::current_exception());
  }
}

// ---- answering -----------------------------------------------------------------------------

void HttpConnection::answer(uint64_t seq, HttpResponse response) {
  if (seq != seq_ || phase_ != Phase::handling || closing_ || answer_queued_ || file_fd_ >= 0) return;
  write_response(std::move(response));
}

void HttpConnection::refuse(int status, const std::string& message) {
  phase_ = Phase::handling;
  close_after_ = true;
  write_response(json_error(status, message));
}

void HttpConnection::respond_error(int status, const std::string& message, bool close) {
  server_.count_refusal(peer_, status, message);
  phase_ = Phase::handling;
  close_after_ = close_after_ || close;
  head_only_ = false;
  if (status == 426) {
    HttpResponse r = json_error(status, message);
    r.headers.emplace_back("sec-websocket-version", "13");
    return write_response(std::move(r));
  }
  write_response(json_error(status, message));
}

std::string HttpConnection::response_head(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                                          std::optional<uint64_t> content_length, bool close) {
  std::string h;
  h.reserve(512);
  h.append("HTTP/1.1 ").append(std::to_string(status)).append(" ").append(reason_phrase(status)).append("\r\n");
  h.append("server: livegate\r\ndate: ").append(http_date()).append("\r\n");
  if (content_length) h.append("content-length: ").append(std::to_string(*content_length)).append("\r\n");
  for (const auto& [name, value] : headers) {
    if (framing_header(name)) continue;
    if (!safe_header(name, value)) {
      log("http")->warn("a header '{}' with CR, LF or NUL in it was not sent", name);
      continue;
    }
    h.append(name).append(": ").append(value).append("\r\n");
  }
  if (close) {
    h.append("connection: close\r\n");
  } else if (head_.minor_version == 0) {
    h.append("connection: keep-alive\r\n");
  }
  h.append("\r\n");
  return h;
}

void HttpConnection::write_response(HttpResponse r) {
  const bool no_body = r.status < 200 || r.status == 204 || r.status == 304;
  std::optional<uint64_t> length;
  if (!r.file_path.empty() && !no_body) {
    const int fd = ::open(r.file_path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      if (fd >= 0) ::close(fd);
      r = json_error(404, "not found");  // gone between the route's check and now
    } else {
      file_fd_ = fd;
      file_left_ = static_cast<uint64_t>(st.st_size);
      length = file_left_;
      r.body.clear();
    }
  }
  if (!length && !no_body) length = r.body.size();
  auto headers = std::move(r.headers);
  if (!no_body && (length.value_or(0) > 0 || !r.content_type.empty())) {
    headers.insert(headers.begin(), {"content-type", r.content_type});
  }
  headers.emplace_back("x-content-type-options", "nosniff");
  queue_copy(response_head(r.status, headers, length, close_after_));
  if (head_only_ || no_body) {
    if (file_fd_ >= 0) ::close(file_fd_);
    file_fd_ = -1;
    file_left_ = 0;
  } else if (file_fd_ < 0 && !r.body.empty()) {
    auto body = std::make_shared<const std::string>(std::move(r.body));
    queue({body, body->data(), body->size()});
  }
  answer_queued_ = file_fd_ < 0;
  if (file_fd_ >= 0 && !write_file_block()) return;
  flush();
  arm(Deadline::send);
}

bool HttpConnection::write_file_block() {
  if (file_fd_ >= 0 && file_left_ == 0) {  // an empty file: the head says it all
    ::close(file_fd_);
    file_fd_ = -1;
    answer_queued_ = true;
  }
  while (file_fd_ >= 0 && unsent_bytes() < kFileAhead) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kFileBlock, file_left_));
    auto block = std::make_shared<std::string>(want, '\0');
    ssize_t n;
    do {
      n = ::read(file_fd_, block->data(), want);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      // The file shrank under us: the length already promised cannot be kept.
      log("http")->warn("{}: a file answer ended early ({})", peer_, n < 0 ? std::strerror(errno) : "truncated");
      close_now();
      return false;
    }
    block->resize(static_cast<size_t>(n));
    file_left_ -= static_cast<uint64_t>(n);
    queue({block, block->data(), block->size()});
    if (file_left_ == 0) {
      ::close(file_fd_);
      file_fd_ = -1;
      answer_queued_ = true;
    }
  }
  return true;
}

void HttpConnection::response_written() {
  answer_queued_ = false;
  if (close_after_) return close_after_writing();
  next_request();
}

void HttpConnection::next_request() {
  head_ = RequestHead{};
  phase_ = Phase::head;
  head_only_ = false;
  arm(Deadline::keepalive);
  if (!peer_done_) uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), on_alloc, on_read);  // if it was stopped
  process();  // a request sent ahead
  // The client has closed its side and sent no other whole request: done.
  if (peer_done_ && phase_ != Phase::handling && !closing_) close_after_writing();
}

// ---- WebSocket upgrade -----------------------------------------------------------------------

void HttpConnection::upgrade() {
  if (!server_.websockets_) return respond_error(404, "there is no WebSocket here", true);
  if (head_.minor_version != 1 || head_.has_body()) return respond_error(400, "a WebSocket upgrade is an HTTP/1.1 GET without a body", true);
  const std::string* version = head_.field("sec-websocket-version");
  if (!version || *version != "13") return respond_error(426, "only WebSocket version 13 is spoken here", true);
  const std::string* key = head_.field("sec-websocket-key");
  if (!key || !valid_websocket_key(*key)) return respond_error(400, "Sec-WebSocket-Key must be 16 bytes in base64", true);
  std::string response = "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n";
  response.append("sec-websocket-accept: ").append(websocket_accept(*key)).append("\r\nserver: livegate\r\n\r\n");
  queue_copy(response);
  flush();
  if (closing_) return;  // the write failed: never tell the hub about a socket that is gone
  phase_ = Phase::websocket;
  arm(Deadline::none);
  websocket_ = std::make_unique<WebSocketSession>(*this, *server_.websockets_, head_.path,
                                                  server_.config_.max_websocket_message_bytes);
  if (!websocket_->open()) return close_now();
  if (!in_.empty()) {  // frames sent right behind the handshake
    std::string early = std::move(in_);
    in_.clear();
    websocket_->received(early);
  }
}

}  // namespace livegate::server
