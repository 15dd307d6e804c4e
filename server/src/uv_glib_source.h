#pragma once
// Runs a libuv loop inside the GLib main loop, on the same thread: GLib polls libuv's one backend
// (epoll) fd and, when it is ready or a libuv timer is due, runs one non-blocking libuv turn.
//
// Why: a GLib source per connection makes each GLib iteration walk all of them (poll()), so with
// 10,000 viewers one iteration took seconds (measured with perf when the server ran on
// libwebsockets' GLib event library). On libuv the HTTP server's sockets sit in one epoll set and
// a turn costs what is ready, not what is connected.

#include <glib.h>
#include <uv.h>

namespace livegate::server {

class UvGlibSource {
 public:
  // Attaches to context (nullptr = the default context); the loop must outlive this object.
  UvGlibSource(uv_loop_t* loop, GMainContext* context);
  UvGlibSource(const UvGlibSource&) = delete;
  UvGlibSource& operator=(const UvGlibSource&) = delete;
  ~UvGlibSource();

 private:
  GSource* source_ = nullptr;
};

}  // namespace livegate::server
