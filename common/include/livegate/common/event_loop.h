#pragma once
// The process's one event loop: a GLib main loop that also drives the HTTP/WebSocket server
// (libuv inside it), hiredis and the GStreamer bus. Everything that touches sockets or room state runs here.

#include <glib.h>

#include <chrono>
#include <functional>
#include <memory>

namespace livegate {

// A repeating or one-shot timer on the loop. Destroying the handle cancels it, so an owner
// that dies can never be called back.
class Timer {
 public:
  Timer() = default;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  Timer(Timer&& other) noexcept;
  Timer& operator=(Timer&& other) noexcept;
  ~Timer();

  void cancel();
  bool active() const { return source_ != nullptr && !g_source_is_destroyed(source_); }

 private:
  friend class EventLoop;
  struct State;
  GSource* source_ = nullptr;
  State* state_ = nullptr;
};

class EventLoop {
 public:
  // Uses the thread-default main context (the global default one when none is pushed), so that
  // libraries that attach to the default context (GStreamer bus watches) share it.
  EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop();

  // How another thread hands work to the loop (the SRT thread, webrtcbin's callbacks in a WHIP
  // session): runs fn on the loop soon; safe from any thread. On the loop itself it defers fn
  // to a later turn (a reply that must not come before its call returns).
  // GStreamer pipelines reach the loop through their bus instead, whose watch is a source here.
  void post(std::function<void()> fn);

  // Calls fn after delay; with repeat, every delay until the Timer is destroyed or fn returns false.
  [[nodiscard]] Timer after(std::chrono::milliseconds delay, std::function<void()> fn);
  [[nodiscard]] Timer every(std::chrono::milliseconds period, std::function<bool()> fn);

  void run();
  void quit();
  // Runs the loop until pred() is true or the timeout passes; returns pred(). For start-up
  // (before run()), tests and tools.
  bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

  GMainContext* context() const { return context_; }
  GMainLoop* loop() const { return loop_; }

 private:
  GMainContext* context_;
  GMainLoop* loop_;
};

}  // namespace livegate
