#include "redis_glib_source.h"

namespace livegate::detail {
namespace {

struct RedisSource {
  GSource source;
  redisAsyncContext* ac;
  GPollFD poll_fd;
  bool dead;
};

void update_events(RedisSource* s, gushort add, gushort remove) {
  s->poll_fd.events = static_cast<gushort>((s->poll_fd.events | add) & ~remove);
  if (GMainContext* ctx = g_source_get_context(&s->source)) g_main_context_wakeup(ctx);
}

void add_read(void* data) { update_events(static_cast<RedisSource*>(data), G_IO_IN, 0); }
void del_read(void* data) { update_events(static_cast<RedisSource*>(data), 0, G_IO_IN); }
void add_write(void* data) { update_events(static_cast<RedisSource*>(data), G_IO_OUT, 0); }
void del_write(void* data) { update_events(static_cast<RedisSource*>(data), 0, G_IO_OUT); }

// Called by hiredis while it frees the context: from here on ac is gone.
void cleanup(void* data) {
  auto* s = static_cast<RedisSource*>(data);
  s->dead = true;
  s->ac = nullptr;
  if (s->poll_fd.fd >= 0) {
    g_source_remove_poll(&s->source, &s->poll_fd);
    s->poll_fd.fd = -1;
  }
  g_source_destroy(&s->source);
  g_source_unref(&s->source);
}

gboolean prepare(GSource* source, gint* timeout) {
  auto* s = reinterpret_cast<RedisSource*>(source);
  *timeout = -1;
  return !s->dead && (s->poll_fd.events & s->poll_fd.revents);
}

gboolean check(GSource* source) {
  auto* s = reinterpret_cast<RedisSource*>(source);
  return !s->dead && (s->poll_fd.events & s->poll_fd.revents);
}

gboolean dispatch(GSource* source, GSourceFunc, gpointer) {
  auto* s = reinterpret_cast<RedisSource*>(source);
  const gushort revents = s->poll_fd.revents;
  s->poll_fd.revents = 0;
  if (!s->dead && (revents & (G_IO_OUT | G_IO_ERR))) redisAsyncHandleWrite(s->ac);
  if (!s->dead && (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR))) redisAsyncHandleRead(s->ac);
  return G_SOURCE_CONTINUE;
}

GSourceFuncs kFuncs = {prepare, check, dispatch, nullptr, nullptr, nullptr};

}  // namespace

void attach_redis_source(redisAsyncContext* ac, GMainContext* ctx) {
  auto* s = reinterpret_cast<RedisSource*>(g_source_new(&kFuncs, sizeof(RedisSource)));
  s->ac = ac;
  s->dead = false;
  s->poll_fd.fd = ac->c.fd;
  s->poll_fd.events = 0;
  s->poll_fd.revents = 0;
  g_source_add_poll(&s->source, &s->poll_fd);
  ac->ev.addRead = add_read;
  ac->ev.delRead = del_read;
  ac->ev.addWrite = add_write;
  ac->ev.delWrite = del_write;
  ac->ev.cleanup = cleanup;
  ac->ev.data = s;
  // The attached context holds one reference; ours is dropped in cleanup().
  g_source_attach(&s->source, ctx);
}

}  // namespace livegate::detail
