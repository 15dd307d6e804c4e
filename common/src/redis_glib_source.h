#pragma once
// Drives one hiredis async context from a GLib main context.
//
// hiredis ships adapters/glib.h, but its dispatch calls redisAsyncHandleRead right after
// redisAsyncHandleWrite on the same context; when the write fails, hiredis frees the context in
// between and the read touches freed memory. This adapter is the same idea with that gap closed:
// hiredis' cleanup hook marks the source dead and dispatch stops there.

#include <glib.h>
#include <hiredis/async.h>

namespace livegate::detail {

// Attaches a new source for ac to ctx; the source lives until hiredis calls its cleanup hook
// (when ac is freed), after which it destroys itself.
void attach_redis_source(redisAsyncContext* ac, GMainContext* ctx);

}  // namespace livegate::detail
