#pragma once
// POSTs webhook bodies with libsoup on the loop's GLib context: no thread, no blocking call.
// One SoupSession for the process keeps connections to the receiver alive between orders.

#include <libsoup/soup.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "livegate/common/event_loop.h"

namespace livegate::commerce {

struct WebhookOutcome {
  int status = 0;       // the receiver's HTTP status; 0 when there was no answer
  std::string error;    // why there was no answer (refused, timed out, TLS, ...)
  std::string snippet;  // the start of a non-2xx answer's body, for the log
  bool ok() const { return status >= 200 && status < 300; }
};

class WebhookSender {
 public:
  // url must already be validated (validate_webhook_config). max_connections bounds the
  // connections to the receiver; callers keep at most that many posts in flight so a request
  // never waits in libsoup's queue while its timeout runs.
  WebhookSender(EventLoop& loop, const std::string& url, size_t max_connections);
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;
  // Aborts what is in flight; their callbacks are not called.
  ~WebhookSender();

  // POSTs body as application/json with the extra headers. done is called on the loop exactly
  // once, with the status as soon as the response headers are in (the body is not waited for
  // beyond timeout), or with an error when no status came within timeout.
  void post(const std::string& body,
            const std::vector<std::pair<std::string, std::string>>& headers,
            std::chrono::milliseconds timeout, std::function<void(WebhookOutcome)> done);

 private:
  struct Attempt;
  static void on_sent(GObject* source, GAsyncResult* result, gpointer data);
  static void sent(GObject* source, GAsyncResult* result, Attempt* attempt);  // on_sent's work (guarded)
  static void on_snippet(GObject* source, GAsyncResult* result, gpointer data);
  static void on_closed(GObject* source, GAsyncResult* result, gpointer data);
  static void close_body(Attempt* attempt);
  static void finish(Attempt* attempt);

  EventLoop& loop_;
  SoupSession* session_;
  GUri* uri_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace livegate::commerce
