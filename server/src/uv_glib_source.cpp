#include "uv_glib_source.h"

namespace livegate::server {

namespace {

struct Source {
  GSource base;
  uv_loop_t* loop;
  gpointer fd_tag;
};

// How long GLib may sleep for libuv: until its next timer (-1: none, 0: work is pending).
gboolean prepare(GSource* s, gint* timeout) {
  auto* src = reinterpret_cast<Source*>(s);
  uv_update_time(src->loop);
  *timeout = uv_backend_timeout(src->loop);
  return *timeout == 0;
}

gboolean check(GSource* s) {
  auto* src = reinterpret_cast<Source*>(s);
  if (g_source_query_unix_fd(s, src->fd_tag) & (G_IO_IN | G_IO_ERR | G_IO_HUP)) return TRUE;
  uv_update_time(src->loop);
  return uv_backend_timeout(src->loop) == 0;
}

gboolean dispatch(GSource* s, GSourceFunc, gpointer) {
  uv_run(reinterpret_cast<Source*>(s)->loop, UV_RUN_NOWAIT);
  return G_SOURCE_CONTINUE;
}

GSourceFuncs kFuncs = {prepare, check, dispatch, nullptr, nullptr, nullptr};

}  // namespace

UvGlibSource::UvGlibSource(uv_loop_t* loop, GMainContext* context) {
  source_ = g_source_new(&kFuncs, sizeof(Source));
  auto* src = reinterpret_cast<Source*>(source_);
  src->loop = loop;
  src->fd_tag = g_source_add_unix_fd(source_, uv_backend_fd(loop), G_IO_IN);
  g_source_set_name(source_, "libuv");
  g_source_attach(source_, context);
}

UvGlibSource::~UvGlibSource() {
  g_source_destroy(source_);
  g_source_unref(source_);
}

}  // namespace livegate::server
