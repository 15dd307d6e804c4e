#include "livegate/server/http_server.h"

#include <nlohmann/json.hpp>

#include <cstring>

#include "livegate/common/guard.h"
#include "livegate/common/log.h"
#include "uv_glib_source.h"

namespace livegate::server {

namespace {

constexpr const char* kHttpProtocol = "livegate-http";

// Browsers open new WebSocket() without a subprotocol, and lws binds such upgrades to
// protocols[0]. The WebSocket protocol therefore comes first and plain HTTP reaches its own
// protocol through a catch-all callback mount. (A "default" pvo would do the same, but lws
// applies it only after its lazy protocol init, so early upgrades landed on HTTP.)
lws_http_mount make_catch_all_mount() {
  lws_http_mount m{};
  m.mountpoint = "/";
  m.mountpoint_len = 1;
  m.origin = kHttpProtocol;
  m.origin_protocol = LWSMPRO_CALLBACK;
  return m;
}
const lws_http_mount kCatchAll = make_catch_all_mount();

void log_lws_line(int level, const char* line) {
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (level & LLL_ERR) {
    log("http")->error("lws: {}", text);
  } else {
    log("http")->warn("lws: {}", text);
  }
}

void lws_log_to_spdlog(int level, const char* line) noexcept {
  guarded(Boundary::http, "the lws log hook", [&] { log_lws_line(level, line); });
}

std::string method_of(lws* wsi) {
  if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI)) return "GET";
  if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI)) return "POST";
  if (lws_hdr_total_length(wsi, WSI_TOKEN_OPTIONS_URI)) return "OPTIONS";
  if (lws_hdr_total_length(wsi, WSI_TOKEN_PUT_URI)) return "PUT";
  if (lws_hdr_total_length(wsi, WSI_TOKEN_DELETE_URI)) return "DELETE";
  if (lws_hdr_total_length(wsi, WSI_TOKEN_PATCH_URI)) return "PATCH";
  if (lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI)) return "HEAD";
  return "?";
}

// A request header's value ("" when absent or unreasonably long).
std::string header_of(lws* wsi, lws_token_indexes token) {
  const int len = lws_hdr_total_length(wsi, token);
  if (len <= 0 || len >= 4096) return {};
  std::string value(static_cast<size_t>(len) + 1, '\0');
  if (lws_hdr_copy(wsi, value.data(), len + 1, token) < 0) return {};
  value.resize(static_cast<size_t>(len));
  return value;
}

// The request path as lws decoded it ("/watch/x"), read from whichever method header is set.
std::string uri_of(lws* wsi) {
  for (auto token : {WSI_TOKEN_GET_URI, WSI_TOKEN_POST_URI, WSI_TOKEN_OPTIONS_URI, WSI_TOKEN_PUT_URI,
                     WSI_TOKEN_DELETE_URI, WSI_TOKEN_PATCH_URI, WSI_TOKEN_HEAD_URI}) {
    const int len = lws_hdr_total_length(wsi, token);
    if (len <= 0) continue;
    std::string uri(static_cast<size_t>(len) + 1, '\0');
    if (lws_hdr_copy(wsi, uri.data(), len + 1, token) < 0) return "/";
    uri.resize(static_cast<size_t>(len));
    return uri;
  }
  return "/";
}

// The query arguments (lws keeps each one URL-decoded as a fragment "name=value"). An argument
// longer than the buffer ends the list: no API takes one that long.
std::map<std::string, std::string> query_of(lws* wsi) {
  std::map<std::string, std::string> query;
  char buf[1024];
  for (int i = 0; i < 64; ++i) {
    const int len = lws_hdr_copy_fragment(wsi, buf, sizeof(buf), WSI_TOKEN_HTTP_URI_ARGS, i);
    if (len < 0) break;
    const std::string_view arg(buf, static_cast<size_t>(len));
    const size_t eq = arg.find('=');
    query.emplace(std::string(arg.substr(0, eq)),
                  eq == std::string_view::npos ? std::string() : std::string(arg.substr(eq + 1)));
  }
  return query;
}

bool add_header(lws* wsi, const std::string& name, const std::string& value, unsigned char** p,
                unsigned char* end) {
  const std::string with_colon = name + ":";
  return lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>(with_colon.c_str()),
                                     reinterpret_cast<const unsigned char*>(value.data()),
                                     static_cast<int>(value.size()), p, end) == 0;
}

}  // namespace

HttpResponse json_response(int status, const std::string& json_body) {
  HttpResponse r;
  r.status = status;
  r.body = json_body;
  r.headers.emplace_back("cache-control", "no-store");
  return r;
}

HttpResponse json_response(int status, const nlohmann::json& body) {
  return json_response(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse json_error(int status, const std::string& message) {
  // Messages quote what the client sent (an id from the URL, an SDP m= line, a CSV column):
  // invalid UTF-8 there is replaced, since a strict dump() would throw through libwebsockets.
  return json_response(status, nlohmann::json{{"error", message}}.dump(
                                   -1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse json_field_error(const JsonFields& fields) {
  nlohmann::json body = {{"error", fields.error()}};
  if (!fields.field().empty()) body["field"] = fields.field();
  return json_response(400, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpServer::HttpServer(EventLoop& loop, HttpConfig config, HttpHandler handler,
                       std::vector<lws_protocols> websocket_protocols)
    : loop_(loop), config_(std::move(config)), handler_(std::move(handler)) {
  char prefix[16];
  std::snprintf(prefix, sizeof(prefix), "%06x", g_random_int() & 0xffffff);
  request_id_prefix_ = prefix;
  lws_protocols http{};
  http.name = kHttpProtocol;
  http.callback = &HttpServer::callback;
  http.per_session_data_size = sizeof(uint64_t);
  http.user = this;
  for (const auto& p : websocket_protocols) protocols_.push_back(p);
  protocols_.push_back(http);
  protocols_.push_back(lws_protocols{});  // terminator
}

HttpServer::~HttpServer() {
  *alive_ = false;
  stop();
}

bool HttpServer::start(std::string* error) {
  // LIVEGATE_LWS_DEBUG=1 turns on libwebsockets' own notices and info, for field debugging.
  const bool lws_debug = g_getenv("LIVEGATE_LWS_DEBUG") != nullptr;
  lws_set_log_level(lws_debug ? (LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO) : (LLL_ERR | LLL_WARN),
                    lws_log_to_spdlog);
  lws_context_creation_info info{};
  uv_loop_ = std::make_unique<uv_loop_t>();
  uv_loop_init(uv_loop_.get());
  uv_source_ = std::make_unique<UvGlibSource>(uv_loop_.get(), loop_.context());
  foreign_loop_ = uv_loop_.get();
  info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_VALIDATE_UTF8;
  info.foreign_loops = &foreign_loop_;
  info.port = config_.port;
  info.iface = config_.bind == "0.0.0.0" ? nullptr : config_.bind.c_str();
  info.protocols = protocols_.data();
  info.mounts = &kCatchAll;
  info.count_threads = 1;
  info.fd_limit_per_thread = static_cast<unsigned int>(config_.max_connections + 64);
  info.server_string = "livegate";
  info.timeout_secs = 20;
  // Request line + headers: lws keeps them in one buffer of this size per request; a request
  // that does not fit is refused before any handler runs.
  info.max_http_header_data = static_cast<unsigned short>(config_.max_header_bytes);
  // lws nulls it once the context is wholly gone (on a foreign loop that is after stop() let the
  // loop close lws's handles and destroyed it a second time).
  info.pcontext = &destroying_;
  context_ = lws_create_context(&info);
  destroying_ = context_;
  if (!context_) {
    close_uv_loop();
    *error = "http: cannot listen on " + config_.bind + ":" + std::to_string(config_.port) +
             " (port in use, or no permission?)";
    return false;
  }
  lws_vhost* vhost = lws_get_vhost_by_name(context_, "default");
  port_ = vhost ? lws_get_vhost_listen_port(vhost) : config_.port;
  if (port_ <= 0) port_ = config_.port;
  log("http")->info("listening on http://{}:{}", config_.bind, port_);
  return true;
}

void HttpServer::stop() {
  if (!context_) return;
  lws_context* ctx = context_;
  context_ = nullptr;
  pending_.clear();
  // On a foreign libuv loop, destroying is two steps: the first call closes lws's connections
  // and handles, which finish closing only as the loop turns; a second call then frees the
  // context (without it, LeakSanitizer finds the whole context at exit).
  lws_context_destroy(ctx);
  run_uv_loop_until_idle();
  if (destroying_) lws_context_destroy(destroying_);
  close_uv_loop();
}

void HttpServer::run_uv_loop_until_idle() {
  for (int i = 0; i < 1000 && uv_loop_alive(uv_loop_.get()); ++i) uv_run(uv_loop_.get(), UV_RUN_NOWAIT);
}

// lws closes its libuv handles asynchronously: turn the loop (bounded) until they are all closed,
// then close it. Nothing else uses this loop.
void HttpServer::close_uv_loop() {
  if (!uv_loop_) return;
  run_uv_loop_until_idle();
  uv_source_.reset();
  if (uv_loop_close(uv_loop_.get()) != 0) {
    log("http")->warn("libuv loop still had open handles at shutdown");
    (void)uv_loop_.release();  // leak it rather than free memory libuv still points into
    return;
  }
  uv_loop_.reset();
}

int HttpServer::callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  // lws is C: nothing may unwind through it. A failure outside a handler (which dispatch
  // answers) closes this one connection.
  return guarded_or(Boundary::http, "an HTTP connection", -1, [&] { return on_callback(wsi, reason, user, in, len); });
}

int HttpServer::on_callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  const lws_protocols* proto = lws_get_protocol(wsi);
  auto* self = proto ? static_cast<HttpServer*>(proto->user) : nullptr;
  auto* session = static_cast<uint64_t*>(user);
  if (!self) return lws_callback_http_dummy(wsi, reason, user, in, len);
  switch (reason) {
    case LWS_CALLBACK_HTTP:
      return self->on_request(wsi, session);
    case LWS_CALLBACK_HTTP_WRITEABLE: {
      auto it = session ? self->pending_.find(*session) : self->pending_.end();
      if (it == self->pending_.end() || !it->second.response) return 0;
      auto response = std::move(it->second.response);
      self->pending_.erase(it);
      return self->deliver(wsi, *response);
    }
    case LWS_CALLBACK_HTTP_BODY: {
      auto it = session ? self->pending_.find(*session) : self->pending_.end();
      if (it == self->pending_.end()) return -1;
      Pending& p = it->second;
      if (p.request.body.size() + len > self->config_.max_body_bytes) {
        p.body_too_large = true;  // keep reading, answer 413 at the end
      } else {
        p.request.body.append(static_cast<const char*>(in), len);
      }
      return 0;
    }
    case LWS_CALLBACK_HTTP_BODY_COMPLETION: {
      if (!session || !self->pending_.contains(*session)) return -1;
      Pending& p = self->pending_[*session];
      if (p.body_too_large) {
        p.response = std::make_unique<HttpResponse>(json_error(
            413, "the body is larger than " + std::to_string(self->config_.max_body_bytes) + " bytes"));
        auto response = std::move(p.response);
        self->pending_.erase(*session);
        return self->deliver(wsi, *response);
      }
      return self->dispatch(wsi, *session);
    }
    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
      return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
      if (session) self->pending_.erase(*session);
      return 0;
    default:
      return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

int HttpServer::on_request(lws* wsi, uint64_t* session) {
  const uint64_t id = next_id_++;
  *session = id;
  Pending& pending = pending_[id];
  pending.wsi = wsi;
  pending.request_id = next_request_id();
  pending.request.method = method_of(wsi);
  pending.request.path = uri_of(wsi);
  pending.request.query = query_of(wsi);
  pending.request.authorization = header_of(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
  pending.request.content_type = header_of(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE);
  pending.request.accept_encoding = header_of(wsi, WSI_TOKEN_HTTP_ACCEPT_ENCODING);
  pending.request.origin = header_of(wsi, WSI_TOKEN_ORIGIN);
  // A WHIP path carries a stream key: never write it to the log.
  log("http")->debug("{} {}", pending.request.method,
                     pending.request.path.starts_with("/whip/") ? std::string("/whip/<stream key>")
                                                               : pending.request.path);
  // Requests with a body are dispatched when it is complete (LWS_CALLBACK_HTTP_BODY_COMPLETION).
  if (pending.request.method == "POST" || pending.request.method == "PUT" ||
      pending.request.method == "PATCH") {
    return 0;
  }
  return dispatch(wsi, id);
}

// The one answer a request gets. Handlers pass copies of its Respond around (into Redis
// callbacks, timers); when the last copy is gone without an answer, or the handler threw, the
// request still gets one: a 500 with its request id, and the log says what went wrong. A
// client never waits out a timeout because a handler lost its way.
class HttpServer::Answer {
 public:
  Answer(HttpServer* server, std::weak_ptr<bool> alive, uint64_t id, std::string request_id, std::string what)
      : server_(server), alive_(std::move(alive)), id_(id), request_id_(std::move(request_id)), what_(std::move(what)) {}
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
    server_->answer(id_, std::move(response));
  }

  // The handler threw: log the exception's chain, count it, answer 500.
  void fail(const std::exception_ptr& e) {
    report_exception(Boundary::http, what_, e);
    send(internal_error());
  }

 private:
  HttpResponse internal_error() const {
    HttpResponse r = json_response(500, nlohmann::json{{"error", "internal error: livegate logged it as request " + request_id_},
                                                       {"request_id", request_id_}});
    return r;
  }

  HttpServer* server_;
  std::weak_ptr<bool> alive_;
  uint64_t id_;
  std::string request_id_;
  std::string what_;  // "POST /api/broadcasts (request 3fa2c1-1f)", for the log
  bool answered_ = false;
};

std::string HttpServer::next_request_id() {
  char id[40];
  std::snprintf(id, sizeof(id), "%s-%llx", request_id_prefix_.c_str(), static_cast<unsigned long long>(next_id_));
  return id;
}

void HttpServer::answer(uint64_t id, HttpResponse response) {
  auto it = pending_.find(id);
  if (it == pending_.end() || it->second.response) return;  // the client left
  it->second.response = std::make_unique<HttpResponse>(std::move(response));
  if (!it->second.in_callback) lws_callback_on_writable(it->second.wsi);
}

int HttpServer::dispatch(lws* wsi, uint64_t id) {
  Pending& pending = pending_[id];
  pending.in_callback = true;
  const HttpRequest request = std::move(pending.request);
  // A WHIP path carries a stream key: never write it to the log.
  const std::string path = request.path.starts_with("/whip/") ? std::string("/whip/<stream key>") : request.path;
  auto answer = std::make_shared<Answer>(this, alive_, id, pending.request_id,
                                         request.method + " " + path + " (request " + pending.request_id + ")");
  try {
    handler_(request, [answer](HttpResponse response) { answer->send(std::move(response)); });
  } catch (...) {
    answer->fail(std::current_exception());
  }
  answer.reset();  // the handler kept no copy: an unanswered request gets its 500 now
  auto it = pending_.find(id);
  if (it == pending_.end()) return 0;
  it->second.in_callback = false;
  if (!it->second.response) return 0;  // answered later, from HTTP_WRITEABLE
  auto response = std::move(it->second.response);
  pending_.erase(it);
  return deliver(wsi, *response);
}

int HttpServer::deliver(lws* wsi, const HttpResponse& r) {
  unsigned char headers[LWS_PRE + 2048];
  unsigned char* start = headers + LWS_PRE;
  unsigned char* p = start;
  unsigned char* end = headers + sizeof(headers) - 1;
  std::vector<std::pair<std::string, std::string>> all = r.headers;
  all.emplace_back("x-content-type-options", "nosniff");

  if (!r.file_path.empty()) {
    for (const auto& [name, value] : all) {
      if (!add_header(wsi, name, value, &p, end)) return -1;
    }
    const int n = lws_serve_http_file(wsi, r.file_path.c_str(), r.content_type.c_str(),
                                      reinterpret_cast<const char*>(start),
                                      static_cast<int>(p - start));
    if (n < 0 || (n > 0 && lws_http_transaction_completed(wsi))) return -1;
    return 0;
  }

  if (lws_add_http_common_headers(wsi, static_cast<unsigned int>(r.status), r.content_type.c_str(),
                                  r.body.size(), &p, end)) {
    return -1;
  }
  for (const auto& [name, value] : all) {
    if (!add_header(wsi, name, value, &p, end)) return -1;
  }
  if (lws_finalize_write_http_header(wsi, start, &p, end)) return -1;
  std::vector<unsigned char> body(LWS_PRE + r.body.size());
  std::memcpy(body.data() + LWS_PRE, r.body.data(), r.body.size());
  if (lws_write(wsi, body.data() + LWS_PRE, r.body.size(), LWS_WRITE_HTTP_FINAL) <
      static_cast<int>(r.body.size())) {
    return -1;
  }
  return lws_http_transaction_completed(wsi) ? -1 : 0;
}

}  // namespace livegate::server
