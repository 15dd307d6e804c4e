#include "livegate/server/app.h"

#include <glib-unix.h>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

#include "livegate/chat/chat_store.h"
#include "livegate/chat/hub.h"
#include "livegate/chat/moderation.h"
#include "livegate/chat/presence.h"
#include "livegate/chat/qa_board.h"
#include "livegate/commerce/catalog_store.h"
#include "livegate/commerce/flash_deals.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/commerce/order_webhooks.h"
#include "livegate/commerce/product_pins.h"
#include "livegate/commerce/shop_stats.h"
#include "livegate/common/event_loop.h"
#include "livegate/common/guard.h"
#include "livegate/common/log.h"
#include "livegate/common/metrics.h"
#include "livegate/common/redis_client.h"
#include "livegate/server/broadcast_admin.h"
#include "livegate/server/broadcasts.h"
#include "livegate/server/chat_tokens.h"
#include "livegate/server/drain.h"
#include "livegate/server/embedded_redis.h"
#include "livegate/server/http_routes.h"
#include "livegate/server/http_server.h"
#include "livegate/server/media_router.h"
#include "livegate/server/observability.h"
#include "livegate/streaming/rtmp_server.h"
#include "livegate/streaming/srt_server.h"
#include "livegate/server/room_snapshot.h"
#include "livegate/streaming/plugin_check.h"

namespace livegate::server {

namespace {

constexpr auto kRedisStartTimeout = std::chrono::seconds(15);

// This process's name among the nodes sharing Redis (presence counts are kept per node).
std::string node_name(const std::string& configured) {
  if (!configured.empty()) return configured;
  return std::string(g_get_host_name()) + ":" + std::to_string(getpid());
}

gboolean drain_on_signal(gpointer data) {
  guarded(Boundary::timer, "the drain on SIGTERM", [data] { static_cast<Drain*>(data)->start(); });
  return G_SOURCE_CONTINUE;
}

RedisEndpoint endpoint_for(const RedisConfig& c, const EmbeddedRedis* embedded) {
  RedisEndpoint e;
  if (embedded) {
    e.unix_socket = embedded->socket_path();
  } else {
    e.host = c.host;
    e.port = c.port;
    e.unix_socket = c.unix_socket;
  }
  return e;
}

// Seeds each sale's catalog in Redis (products never listed before; the seller's live edits
// and the tally stay) and waits for all of them.
bool open_shops(EventLoop& loop, commerce::CatalogStore& catalog, commerce::OrderDesk& orders,
                const Config& config) {
  size_t done = 0;
  std::string failure;
  for (const auto& b : config.broadcasts) {
    if (b.has_shop()) orders.open_shop(b.id);
    catalog.seed(b.id, b.products, [&, id = b.id](const std::string& error) {
      ++done;
      if (!error.empty()) failure = "broadcast " + id + ": " + error;
    });
  }
  if (!loop.run_until([&] { return done == config.broadcasts.size(); }, kRedisStartTimeout)) {
    failure = "timed out writing catalogs to redis";
  }
  if (!failure.empty()) log("commerce")->error("cannot open shops: {}", failure);
  return failure.empty();
}

}  // namespace

int run_app(const Config& config) {
  // A client that goes while it is being written to must cost that write (EPIPE, its connection
  // closes), not the process: a write to a socket whose peer has gone raises SIGPIPE, whose
  // default action ends the process, and libuv writes with writev (no MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  set_log_level(config.log_level);
  set_log_format(config.log_format);
  auto missing = streaming::missing_elements();
  if (!missing.empty()) {
    for (const auto& e : missing) {
      log("streaming")->critical("GStreamer element '{}' is missing (apt-get install {})", e,
                                 streaming::package_for(e));
    }
    return 1;
  }

  EventLoop loop;
  Metrics metrics;  // GET /metrics; outlives every part that counts
  std::unique_ptr<EmbeddedRedis> embedded;
  if (config.redis.embedded) {
    embedded = std::make_unique<EmbeddedRedis>(config.redis.server_binary, config.redis.data_dir,
                                               config.redis.appendfsync);
    std::string error;
    if (!embedded->start(&error)) {
      log("redis")->critical("{}", error);
      return 1;
    }
  }
  const RedisEndpoint endpoint = endpoint_for(config.redis, embedded.get());
  RedisClient redis(loop, endpoint, "redis-commands", &metrics);
  RedisClient subscriber(loop, endpoint, "redis-events", &metrics);
  redis.start();
  subscriber.start();
  if (!loop.run_until([&] { return redis.connected() && subscriber.connected(); },
                      kRedisStartTimeout)) {
    log("redis")->critical("cannot reach redis at {} within {} s", endpoint.describe(),
                           kRedisStartTimeout.count());
    return 1;
  }

  commerce::OrderDesk orders(loop, redis, {.max_batch = config.commerce.max_batch}, &metrics);
  commerce::CatalogStore catalog(redis);
  commerce::FlashDeals deals(redis);
  commerce::ProductPins pins(redis);
  commerce::ShopStats shop_stats(redis);
  chat::ChatStore store(redis, subscriber, {.history_maxlen = config.chat.history_maxlen});
  chat::Moderation moderation(redis);
  chat::QaBoard qa(redis, {.max_questions = config.chat.max_questions,
                           .top_on_join = config.chat.history_on_join});
  // A node that stops reporting drops out of the viewer count after a few missed reports.
  chat::Presence presence(redis, node_name(config.chat.node_id),
                          {.node_ttl = std::max(std::chrono::seconds(15),
                                                std::chrono::seconds(5 * config.chat.presence_interval_ms / 1000))});
  BroadcastMap broadcasts;
  for (const auto& b : config.broadcasts) broadcasts[b.id].config = b;
  Readiness readiness(broadcasts, {&redis, &subscriber});  // GET /readyz

  chat::HubHandlers handlers{
      .snapshot = [&](const std::string& room,
                      chat::HubHandlers::SnapshotReply reply) {
        build_room_snapshot(broadcasts, catalog, config.commerce.cny_per_usd, room, std::move(reply));
      },
      .buy = [&](const std::string& room, const chat::ChatUser& user, const chat::Buy& buy,
                 chat::HubHandlers::FrameReply reply) {
        place_order(orders, room, user, buy, std::move(reply));
      },
      .tap = [&](const std::string& room, const chat::ChatUser& user, const std::string& sku) {
        if (orders.has_shop(room)) shop_stats.tap(room, user.id, sku);
      },
      .pin_product = [&](const std::string& room, const chat::ChatUser& user, const std::string& sku,
                         chat::HubHandlers::FrameReply reply) {
        if (!orders.has_shop(room)) {
          return reply(chat::error_frame({"unsupported", "this broadcast has no shop", {}}));
        }
        pin_product(pins, room, user, sku, std::move(reply));
      },
      .identify = [&](const std::string& room, const std::string& token,
                      std::string* why) -> std::optional<chat::ChatUser> {
        auto claims = verify_token(config.auth.jwt_secret, token, room, unix_seconds(), why);
        if (!claims) return std::nullopt;
        return chat::ChatUser{claims->user, claims->name, claims->role};
      }};
  chat::Hub hub(loop, {.chat = store, .moderation = moderation, .qa = qa, .presence = presence},
                hub_limits(config.chat, config.auth),
                std::move(handlers), &metrics);

  if (!open_shops(loop, catalog, orders, config)) return 1;
  for (const auto& b : config.broadcasts) hub.open_room(b.id);
  // Orders to the seller's system, at least once; several nodes share the work per broadcast.
  std::unique_ptr<commerce::OrderWebhooks> webhooks;
  if (config.webhooks.enabled()) {
    webhooks = std::make_unique<commerce::OrderWebhooks>(loop, redis, config.webhooks,
                                                         node_name(config.chat.node_id));
    for (const auto& b : config.broadcasts) webhooks->watch(b.id);
  }

  ShopDeps shop{.broadcasts = broadcasts,
                .catalog = catalog,
                .deals = deals,
                .pins = pins,
                .stats = shop_stats,
                .hub = hub,
                .config = config};
  RouteDeps deps{{broadcasts, orders, catalog, hub, redis}, config.http, config.media};
  deps.shop = &shop;
  ObserveDeps observe{.metrics = &metrics, .readiness = &readiness};
  deps.observe = &observe;
  CompressedFiles compressed;  // before the loop runs: serving never compresses
  compressed.add_tree(config.http.web_root);
  compressed.add_file(config.http.hls_js);
  deps.compressed = &compressed;
  log("http")->info("{} page files gzipped at startup: {} KB -> {} KB", compressed.files(),
                    compressed.raw_total() / 1024, compressed.gzip_total() / 1024);
  // Built once WHIP and the seller API are wired (below); the loop serves nothing before that.
  std::optional<HttpRoutes> routes;
  HttpServer http(
      loop, config.http,
      [&routes, &metrics](const HttpRequest& request, Respond respond) {
        respond = counting_status(&metrics, std::move(respond));
        if (!routes) return respond(json_error(503, "livegate is starting"));
        routes->handle(request, std::move(respond));
      },
      &hub, &metrics);
  std::string error;
  if (!http.start(&error)) {
    log("http")->critical("{}", error);
    return 1;
  }
  readiness.set_listening(true);

  // Media state becomes the broadcast's state and a "state" event in its room.
  MediaRouter media(loop, broadcasts, config.media, [&](const std::string& id, BroadcastState state) {
    auto it = broadcasts.find(id);
    if (it == broadcasts.end() || it->second.state == state) return;
    it->second.state = state;
    log("streaming")->info("broadcast {}: {}", id, state_name(state));
    hub.publish_local(id, nlohmann::json{{"type", "state"}, {"state", state_name(state)}}.dump());
  }, &metrics);
  if (!media.start_all(&error)) {
    log("streaming")->critical("{}", error);
    return 1;
  }
  std::unique_ptr<streaming::RtmpServer> rtmp;
  if (config.ingest.rtmp_enabled) {
    rtmp = std::make_unique<streaming::RtmpServer>(
        loop,
        streaming::RtmpServerConfig{.bind = config.ingest.rtmp_bind,
                                    .port = config.ingest.rtmp_port,
                                    .app = config.ingest.rtmp_app,
                                    .max_connections = config.ingest.rtmp_max_connections,
                                    .handshake_timeout = std::chrono::milliseconds(config.ingest.rtmp_handshake_timeout_ms),
                                    .idle_timeout = std::chrono::milliseconds(config.ingest.rtmp_idle_timeout_ms)},
        media.rtmp_callbacks());
    if (!rtmp->start(&error)) {
      log("rtmp")->critical("{}", error);
      media.stop_all();
      return 1;
    }
  }

  std::unique_ptr<streaming::SrtServer> srt;
  if (config.ingest.srt_enabled) {
    srt = std::make_unique<streaming::SrtServer>(
        loop,
        streaming::SrtServerConfig{.bind = config.ingest.srt_bind,
                                   .port = config.ingest.srt_port,
                                   .latency_ms = config.ingest.srt_latency_ms},
        media.srt_callbacks());
    srt->set_key_hashes(media.stream_key_hashes());
    if (!srt->start(&error)) {
      log("srt")->critical("{}", error);
      if (rtmp) rtmp->stop();
      media.stop_all();
      return 1;
    }
  }

  std::unique_ptr<streaming::WhipServer> whip;
  if (config.ingest.whip_enabled) {
    streaming::WhipServerConfig whip_config;
    whip_config.max_sessions = config.ingest.whip_max_sessions;
    whip_config.media_timeout = std::chrono::seconds(config.ingest.whip_media_timeout_seconds);
    whip_config.media = {.ice_addresses = config.ingest.whip_ice_addresses,
                         .min_port = config.ingest.whip_min_port,
                         .max_port = config.ingest.whip_max_port,
                         .fps = config.ingest.whip_fps,
                         .video_bitrate_kbps = config.ingest.whip_video_bitrate_kbps,
                         .keyframe_seconds = config.media.segment_seconds};
    whip = std::make_unique<streaming::WhipServer>(loop, whip_config, media.whip_callbacks());
    deps.whip = whip.get();
  }

  media.set_disconnect([&](uint64_t connection) {
    if (connection >= streaming::WhipServer::kFirstId) {
      if (whip) whip->disconnect(connection);
    } else if (connection >= streaming::SrtServer::kFirstId) {
      if (srt) srt->disconnect(connection);
    } else if (rtmp) {
      rtmp->disconnect(connection, "the broadcast ended");
    }
  });
  AdminDeps admin{.broadcasts = broadcasts,
                  .orders = orders,
                  .catalog = catalog,
                  .hub = hub,
                  .media = media,
                  .config = config,
                  .keys_changed = [&] { if (srt) srt->set_key_hashes(media.stream_key_hashes()); },
                  .rtmp_port = [&] { return rtmp ? rtmp->port() : 0; },
                  .srt_port = [&] { return srt ? srt->port() : 0; },
                  .opened = [&](const std::string& id) { if (webhooks) webhooks->watch(id); }};
  deps.admin = &admin;
  routes.emplace(deps);

  const std::string host = config.http.bind == "0.0.0.0" ? "localhost" : config.http.bind;
  for (const auto& [id, b] : broadcasts) {
    const char* page = b.config.mode == BroadcastMode::keynote ? "keynote" : "watch";
    std::printf("livegate: watch \"%s\" at http://%s:%d/%s/%s\n", b.config.title.c_str(),
                host.c_str(), http.port(), page, id.c_str());
  }
  if (!config.auth.seller_token.empty()) {
    std::printf("livegate: seller studio at http://%s:%d/studio%s\n", host.c_str(), http.port(),
                config.auth.demo_login.empty() ? "" : " (press Demo login)");
  }
  if (!config.auth.demo_login.empty()) {
    log("http")->warn("auth.demo_login is on: anyone who can reach this server can sell on {}", config.auth.demo_login);
  }
  std::fflush(stdout);

  // /readyz says 503 "draining" from the first signal, so a load balancer stops sending viewers.
  Drain drain(loop, hub, orders, std::chrono::milliseconds(config.http.drain_ms),
              [&readiness] { readiness.set_draining(); });
  const guint sigint = g_unix_signal_add(SIGINT, drain_on_signal, &drain);
  const guint sigterm = g_unix_signal_add(SIGTERM, drain_on_signal, &drain);
  loop.run();
  g_source_remove(sigint);
  g_source_remove(sigterm);

  // Reverse order: stop taking viewers, finish the media (last segment + playlist), then the
  // room, Redis and the embedded server.
  http.stop();
  if (rtmp) rtmp->stop();
  if (srt) srt->stop();
  if (whip) whip->stop();
  media.stop_all();
  log("server")->info("stopped cleanly");
  return 0;
}

}  // namespace livegate::server
