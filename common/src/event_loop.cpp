#include "livegate/common/event_loop.h"

#include "livegate/common/guard.h"

namespace livegate {

struct Timer::State {
  std::function<bool()> fn;
};

Timer::Timer(Timer&& other) noexcept : source_(other.source_), state_(other.state_) {
  other.source_ = nullptr;
  other.state_ = nullptr;
}

Timer& Timer::operator=(Timer&& other) noexcept {
  if (this != &other) {
    cancel();
    source_ = other.source_;
    state_ = other.state_;
    other.source_ = nullptr;
    other.state_ = nullptr;
  }
  return *this;
}

Timer::~Timer() { cancel(); }

void Timer::cancel() {
  if (source_) {
    g_source_destroy(source_);
    g_source_unref(source_);
    source_ = nullptr;
  }
  // state_ is owned by the GSource (destroy notify) and freed with it.
  state_ = nullptr;
}

EventLoop::EventLoop() {
  context_ = g_main_context_ref_thread_default();
  loop_ = g_main_loop_new(context_, FALSE);
}

EventLoop::~EventLoop() {
  g_main_loop_unref(loop_);
  g_main_context_unref(context_);
}

// Always a source of its own, never a direct call: g_main_context_invoke() would run fn at
// once when the caller owns the context (inside a callback on the loop, so "later" callbacks
// ran inside their caller's call) or can acquire it (a GStreamer thread while the loop is idle,
// so fn ran on the wrong thread).
void EventLoop::post(std::function<void()> fn) {
  auto* boxed = new std::function<void()>(std::move(fn));
  GSource* source = g_idle_source_new();
  g_source_set_priority(source, G_PRIORITY_DEFAULT);
  g_source_set_callback(
      source,
      [](gpointer data) -> gboolean {
        guarded(Boundary::timer, "a posted callback", *static_cast<std::function<void()>*>(data));
        return G_SOURCE_REMOVE;
      },
      boxed, [](gpointer data) { delete static_cast<std::function<void()>*>(data); });
  g_source_attach(source, context_);
  g_source_unref(source);
}

Timer EventLoop::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  return every(delay, [fn = std::move(fn)]() {
    fn();
    return false;
  });
}

Timer EventLoop::every(std::chrono::milliseconds period, std::function<bool()> fn) {
  Timer timer;
  auto* state = new Timer::State{std::move(fn)};
  GSource* source = g_timeout_source_new(static_cast<guint>(period.count()));
  g_source_set_callback(
      source,
      [](gpointer data) -> gboolean {
        auto* st = static_cast<Timer::State*>(data);
        // A tick that threw keeps its timer: presence, flushes and retries must go on.
        return guarded_or(Boundary::timer, "a timer", true, st->fn) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
      },
      state, [](gpointer data) { delete static_cast<Timer::State*>(data); });
  g_source_attach(source, context_);
  timer.source_ = source;  // we keep our own reference; cancel() destroys and unrefs it
  timer.state_ = state;
  return timer;
}

void EventLoop::run() { g_main_loop_run(loop_); }

void EventLoop::quit() { g_main_loop_quit(loop_); }

bool EventLoop::run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Wake at least every 10 ms so the deadline is honoured even when nothing happens.
    GSource* tick = g_timeout_source_new(10);
    g_source_set_callback(tick, [](gpointer) -> gboolean { return G_SOURCE_REMOVE; }, nullptr,
                          nullptr);
    g_source_attach(tick, context_);
    g_main_context_iteration(context_, TRUE);
    g_source_destroy(tick);
    g_source_unref(tick);
  }
  return true;
}

}  // namespace livegate
