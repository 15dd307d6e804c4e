#include "webhook_sender.h"

#include <algorithm>

#include "livegate/common/guard.h"
#include "livegate/common/log.h"

namespace livegate::commerce {

namespace {
constexpr gsize kSnippetBytes = 256;
}

// Everything one POST needs across its async steps. It owns itself from post() until finish():
// if the loop stops first (shutdown) it is never freed, which costs nothing at exit.
struct WebhookSender::Attempt {
  std::weak_ptr<bool> alive;
  std::function<void(WebhookOutcome)> done;
  SoupMessage* message = nullptr;
  GCancellable* cancellable = nullptr;
  GInputStream* body = nullptr;
  Timer timeout;
  bool timed_out = false;
  std::chrono::milliseconds limit{0};
  WebhookOutcome outcome;

  ~Attempt() {
    if (body) g_object_unref(body);
    if (cancellable) g_object_unref(cancellable);
    if (message) g_object_unref(message);
  }
};

WebhookSender::WebhookSender(EventLoop& loop, const std::string& url, size_t max_connections)
    : loop_(loop) {
  const guint conns = static_cast<guint>(std::max<size_t>(max_connections, 1));
  // The session's own timeout is a backstop only: each attempt has its own, in milliseconds.
  session_ =
      soup_session_new_with_options("max-conns", conns, "max-conns-per-host", conns, "user-agent",
                                    "livegate-webhooks", "timeout", 300u, nullptr);
  uri_ = g_uri_parse(url.c_str(), static_cast<GUriFlags>(SOUP_HTTP_URI_FLAGS), nullptr);
}

WebhookSender::~WebhookSender() {
  *alive_ = false;
  soup_session_abort(session_);
  g_object_unref(session_);
  if (uri_) g_uri_unref(uri_);
}

void WebhookSender::post(const std::string& body,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         std::chrono::milliseconds timeout,
                         std::function<void(WebhookOutcome)> done) {
  auto* a = new Attempt;
  a->alive = alive_;
  a->done = std::move(done);
  a->limit = timeout;
  if (!uri_) {
    a->outcome.error = "bad webhook url";
    loop_.post([a] { finish(a); });
    return;
  }
  a->message = soup_message_new_from_uri("POST", uri_);
  // A redirect would send the order (and its signature) somewhere not configured: a failure.
  soup_message_add_flags(a->message, SOUP_MESSAGE_NO_REDIRECT);
  GBytes* bytes = g_bytes_new(body.data(), body.size());
  soup_message_set_request_body_from_bytes(a->message, "application/json", bytes);
  g_bytes_unref(bytes);
  SoupMessageHeaders* h = soup_message_get_request_headers(a->message);
  for (const auto& [name, value] : headers)
    soup_message_headers_replace(h, name.c_str(), value.c_str());
  a->cancellable = g_cancellable_new();
  a->timeout = loop_.after(timeout, [a] {
    a->timed_out = true;
    g_cancellable_cancel(a->cancellable);
  });
  soup_session_send_async(session_, a->message, G_PRIORITY_DEFAULT, a->cancellable,
                          &WebhookSender::on_sent, a);
}

void WebhookSender::on_sent(GObject* source, GAsyncResult* result, gpointer data) {
  guarded(Boundary::webhook, "a webhook answer", [&] { sent(source, result, static_cast<Attempt*>(data)); });
}

void WebhookSender::sent(GObject* source, GAsyncResult* result, Attempt* a) {
  GError* error = nullptr;
  a->body = soup_session_send_finish(SOUP_SESSION(source), result, &error);
  if (!a->body) {
    a->outcome.error = a->timed_out ? "no answer within " + std::to_string(a->limit.count()) + " ms"
                                    : std::string(error ? error->message : "send failed");
    if (error) g_error_free(error);
    return finish(a);
  }
  a->outcome.status = static_cast<int>(soup_message_get_status(a->message));
  if (a->outcome.ok()) return close_body(a);
  // A failure's first bytes usually say why; they go to the log.
  g_input_stream_read_bytes_async(a->body, kSnippetBytes, G_PRIORITY_DEFAULT, a->cancellable,
                                  &WebhookSender::on_snippet, a);
}

void WebhookSender::on_snippet(GObject* source, GAsyncResult* result, gpointer data) {
  auto* a = static_cast<Attempt*>(data);
  GBytes* bytes = g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, nullptr);
  guarded(Boundary::webhook, "a webhook answer's body", [&] {
    if (bytes) {
      gsize size = 0;
      const auto* p = static_cast<const char*>(g_bytes_get_data(bytes, &size));
      a->outcome.snippet.assign(p ? p : "", size);
    }
  });
  if (bytes) g_bytes_unref(bytes);
  close_body(a);
}

// Closing drains what is left of the answer so the connection can carry the next order; the
// attempt's timeout still bounds it, and the status already decided the outcome.
void WebhookSender::close_body(Attempt* a) {
  g_input_stream_close_async(a->body, G_PRIORITY_DEFAULT, a->cancellable, &WebhookSender::on_closed,
                             a);
}

void WebhookSender::on_closed(GObject* source, GAsyncResult* result, gpointer data) {
  g_input_stream_close_finish(G_INPUT_STREAM(source), result, nullptr);
  guarded(Boundary::webhook, "a webhook attempt", [&] { finish(static_cast<Attempt*>(data)); });
}

void WebhookSender::finish(Attempt* a) {
  std::unique_ptr<Attempt> owned(a);
  owned->timeout.cancel();
  auto alive = owned->alive.lock();
  if (!alive || !*alive) return;
  auto done = std::move(owned->done);
  WebhookOutcome outcome = std::move(owned->outcome);
  owned.reset();  // the message and its stream go before the caller may post the next attempt
  done(std::move(outcome));
}

}  // namespace livegate::commerce
