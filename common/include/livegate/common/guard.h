#pragma once
// The exception boundary. Every callback that a C library or the loop makes into livegate (libuv,
// hiredis, GLib sources and timers, GStreamer bus and streaming-thread callbacks, libsoup)
// runs its body through guarded(). An exception that reached a C frame or a noexcept function
// would call std::terminate and drop every viewer of every broadcast; here it costs one
// request, one message or one tick, is logged with its nested causes and is counted in
// livegate_handler_exceptions_total{boundary=...}.
//
// This is a last line, not error handling: input is checked where it is read (json_fields.h)
// and answered with a 4xx. A count above zero in /metrics is a bug to fix.

#include <array>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

namespace livegate {

// Where an exception was stopped: the label of the metric.
enum class Boundary { http, websocket, redis, timer, media, ingest, webhook };
inline constexpr std::array<std::string_view, 7> kBoundaryNames = {"http",  "websocket", "redis", "timer",
                                                                   "media", "ingest",    "webhook"};

// "what()" of the exception and of each exception nested in it (std::throw_with_nested),
// outermost first: "cannot seed the catalog: [json.exception.type_error.302] ...".
std::string describe_exception(const std::exception_ptr& e);

// Counts the exception and logs it under the boundary's module with `context` (what was being
// done: "POST /api/broadcasts (request 3fa2...)"). Returns the description. Never throws.
// Logging is rate-limited per boundary (a bug in a timer must not fill the disk); the count
// is not.
std::string report_exception(Boundary where, std::string_view context, const std::exception_ptr& e) noexcept;

// Exceptions stopped so far at this boundary, process-wide (for /metrics).
uint64_t exceptions_caught(Boundary where) noexcept;

// Runs fn(); an exception is reported and swallowed. Returns false when fn threw.
template <typename F>
bool guarded(Boundary where, std::string_view context, F&& fn) noexcept {
  try {
    std::forward<F>(fn)();
    return true;
  } catch (...) {
    report_exception(where, context, std::current_exception());
    return false;
  }
}

// Runs fn() and returns its value, or `fallback` when it threw (a C callback's return code:
// -1 closes a connection, G_SOURCE_REMOVE ends a watch, GST_PAD_PROBE_DROP drops a buffer).
template <typename R, typename F>
R guarded_or(Boundary where, std::string_view context, R fallback, F&& fn) noexcept {
  try {
    return std::forward<F>(fn)();
  } catch (...) {
    report_exception(where, context, std::current_exception());
    return fallback;
  }
}

}  // namespace livegate
