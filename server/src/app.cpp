#include "livegate/server/app.h"

#include <glib-unix.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <optional>

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
#include "livegate/common/result.h"
#include "livegate/server/broadcast/broadcast_registry.h"
#include "livegate/server/broadcast/ingest_bridge.h"
#include "livegate/server/broadcast/ingest_report.h"
#include "livegate/server/broadcast_admin.h"
#include "livegate/server/broadcast_hooks.h"
#include "livegate/server/drain.h"
#include "livegate/server/embedded_redis.h"
#include "livegate/server/http_routes.h"
#include "livegate/server/http_server.h"
#include "livegate/server/observability.h"
#include "livegate/server/room_snapshot.h"
#include "livegate/streaming/plugin_check.h"
#include "livegate/streaming/rtmp_server.h"
#include "livegate/streaming/srt_server.h"
#include "livegate/streaming/whip_server.h"

namespace livegate::server {

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(15);  // Redis reached, catalogs written

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
  if (embedded) return {.unix_socket = embedded->socket_path()};
  return {.host = c.host, .port = c.port, .unix_socket = c.unix_socket};
}

// A node that stops reporting drops out of the viewer count after a few missed reports.
chat::PresenceLimits presence_limits(const chat::HubLimits& hub) {
  const auto five_reports =
      std::chrono::duration_cast<std::chrono::seconds>(hub.presence_interval * 5);
  return {.node_ttl = std::max(std::chrono::seconds(15), five_reports)};
}

// Every part of a running node, in the order they are built: each takes its config section and
// the parts it needs; members are destroyed in reverse.
struct Node {
  Node(const Config& config, EventLoop& loop, Metrics& metrics, const RedisEndpoint& endpoint)
      : config(config),
        loop(loop),
        metrics(metrics),
        endpoint(endpoint),
        redis(loop, endpoint, "redis-commands", &metrics),
        subscriber(loop, endpoint, "redis-events", &metrics),
        orders(loop, redis, config.commerce.orders, &metrics),
        catalog(redis),
        deals(redis),
        pins(redis),
        shop_stats(redis),
        chat_store(redis, subscriber, config.chat.store),
        moderation(redis),
        qa(redis, config.chat.qa),
        presence(redis, node_name(config.chat.node_id), presence_limits(config.chat.hub)),
        broadcasts(loop, config.media, &metrics),
        readiness(broadcasts, {&redis, &subscriber}),
        hub(loop, {.chat = chat_store, .moderation = moderation, .qa = qa, .presence = presence},
            config.chat.hub, room_handlers({broadcasts, catalog, orders, shop_stats, pins, config}),
            &metrics),
        webhooks(config.webhooks.enabled()
                     ? std::make_unique<commerce::OrderWebhooks>(loop, redis, config.webhooks,
                                                                 node_name(config.chat.node_id))
                     : nullptr),
        hooks(hub, orders, catalog, webhooks.get()),
        ingest_report(loop, broadcasts, config.media, &metrics),
        http(
            loop, config.http,
            [this](const HttpRequest& request, Respond respond) {
              serve(request, std::move(respond));
            },
            &hub, &metrics) {
    broadcasts.set_listener(&hooks);
    broadcasts.defer_media();  // until every port is bound (start_media)
  }

  // Redis, the config's broadcasts (catalogs, shops, rooms), HTTP, ingest, the broadcasts'
  // media, and the routes.
  Result<void> start();
  void stop();
  void serve(const HttpRequest& request, Respond respond);
  Result<void> open_config_broadcasts();
  Result<void> start_media();
  Result<void> start_ingest();
  void print_addresses() const;

  const Config& config;
  EventLoop& loop;
  Metrics& metrics;
  RedisEndpoint endpoint;
  RedisClient redis;
  RedisClient subscriber;
  commerce::OrderDesk orders;
  commerce::CatalogStore catalog;
  commerce::FlashDeals deals;
  commerce::ProductPins pins;
  commerce::ShopStats shop_stats;
  chat::ChatStore chat_store;
  chat::Moderation moderation;
  chat::QaBoard qa;
  chat::Presence presence;
  BroadcastRegistry broadcasts;
  Readiness readiness;  // GET /readyz
  chat::Hub hub;
  std::unique_ptr<commerce::OrderWebhooks>
      webhooks;  // orders to the seller's system, at least once
  BroadcastHooks hooks;
  IngestReport ingest_report;
  std::unique_ptr<streaming::RtmpServer> rtmp;
  std::unique_ptr<streaming::SrtServer> srt;
  std::unique_ptr<streaming::WhipServer> whip;
  CompressedFiles compressed;  // before the loop runs: serving never compresses
  std::optional<ShopDeps> shop;
  std::optional<AdminDeps> admin;
  ObserveDeps observe{.metrics = &metrics, .readiness = &readiness};
  std::optional<RouteDeps> route_deps;
  std::optional<HttpRoutes> routes;  // built last: until then every request gets 503
  HttpServer http;
};

void Node::serve(const HttpRequest& request, Respond respond) {
  respond = counting_status(&metrics, std::move(respond));
  if (!routes) return respond(json_error(503, "livegate is starting"));
  routes->handle(request, std::move(respond));
}

Result<void> Node::open_config_broadcasts() {
  // Shared with the callbacks: one that answers after the timeout finds it still there.
  struct Progress {
    size_t done = 0;
    std::optional<Error> failure;
  };
  auto progress = std::make_shared<Progress>();
  for (const BroadcastConfig& b : config.broadcasts) {
    broadcasts.open(b, [progress, id = b.id](Result<Broadcast*> opened) {
      ++progress->done;
      if (!opened && !progress->failure) {
        progress->failure = std::move(opened).error().context("broadcast " + id);
      }
    });
  }
  if (!loop.run_until([&] { return progress->done == config.broadcasts.size(); }, kStartTimeout)) {
    return fail(ErrorCode::unavailable, "timed out writing catalogs to redis");
  }
  if (progress->failure) return fail(std::move(*progress->failure));
  return ok();
}

// Last of all, once every port is bound: a node that cannot bind must not touch the media
// folders (opening clears a broadcast's old files, and another node may be serving them).
Result<void> Node::start_media() {
  broadcasts.start_media();
  for (const auto& [id, b] : broadcasts.all()) {
    if (b.config().fallback_test_source && !b.pipeline()) {
      return fail(ErrorCode::unavailable, "broadcast " + id + ": its test source did not start");
    }
  }
  return ok();
}

Result<void> Node::start_ingest() {
  const IngestConfig& ingest = config.ingest;
  if (ingest.rtmp_enabled) {
    rtmp = std::make_unique<streaming::RtmpServer>(loop, ingest.rtmp,
                                                   rtmp_ingest(broadcasts, [this](uint64_t c) {
                                                     if (rtmp)
                                                       rtmp->disconnect(c, "the broadcast ended");
                                                   }));
    if (auto started = rtmp->start(); !started) return started;
  }
  if (ingest.srt_enabled) {
    srt = std::make_unique<streaming::SrtServer>(loop, ingest.srt,
                                                 srt_ingest(broadcasts, [this](uint64_t c) {
                                                   if (srt) srt->disconnect(c);
                                                 }));
    srt->set_key_hashes(broadcasts.stream_key_hashes());
    hooks.on_stream_keys([this] { srt->set_key_hashes(broadcasts.stream_key_hashes()); });
    if (auto started = srt->start(); !started) return started;
  }
  if (ingest.whip_enabled) {
    whip = std::make_unique<streaming::WhipServer>(loop, ingest.whip,
                                                   whip_ingest(broadcasts, [this](uint64_t c) {
                                                     if (whip) whip->disconnect(c);
                                                   }));
  }
  return ok();
}

Result<void> Node::start() {
  redis.start();
  subscriber.start();
  if (!loop.run_until([&] { return redis.connected() && subscriber.connected(); }, kStartTimeout)) {
    return fail(ErrorCode::unavailable, "cannot reach redis at " + endpoint.describe() +
                                            " within " + std::to_string(kStartTimeout.count()) +
                                            " s");
  }
  if (auto opened = open_config_broadcasts(); !opened) return opened;
  compressed.add_tree(config.http.web_root);
  compressed.add_file(config.http.hls_js);
  log("http")->info("{} page files gzipped at startup: {} KB -> {} KB", compressed.files(),
                    compressed.raw_total() / 1024, compressed.gzip_total() / 1024);
  if (auto listening = http.start(); !listening) return listening;
  readiness.set_listening(true);
  if (auto started = start_ingest(); !started) return started;
  if (auto started = start_media(); !started) return started;

  shop.emplace(ShopDeps{.broadcasts = broadcasts,
                        .catalog = catalog,
                        .deals = deals,
                        .pins = pins,
                        .stats = shop_stats,
                        .hub = hub,
                        .config = config});
  admin.emplace(AdminDeps{.broadcasts = broadcasts,
                          .config = config,
                          .rtmp_port = [this] { return rtmp ? rtmp->port() : 0; },
                          .srt_port = [this] { return srt ? srt->port() : 0; }});
  route_deps.emplace(RouteDeps{.api = {broadcasts, orders, catalog, hub, redis},
                               .http = config.http,
                               .media = config.media,
                               .admin = &*admin,
                               .shop = &*shop,
                               .whip = whip.get(),
                               .compressed = &compressed,
                               .observe = &observe});
  routes.emplace(*route_deps);
  return ok();
}

// Reverse order: stop taking viewers and publishers, then finish the media (last segment,
// playlists with EXT-X-ENDLIST); the rest goes with the Node.
void Node::stop() {
  http.stop();
  if (rtmp) rtmp->stop();
  if (srt) srt->stop();
  if (whip) whip->stop();
  broadcasts.stop_all();
}

void Node::print_addresses() const {
  const std::string host = config.http.bind == "0.0.0.0" ? "localhost" : config.http.bind;
  for (const auto& [id, b] : broadcasts.all()) {
    const char* page = b.config().mode == BroadcastMode::keynote ? "keynote" : "watch";
    std::printf("livegate: watch \"%s\" at http://%s:%d/%s/%s\n", b.config().title.c_str(),
                host.c_str(), http.port(), page, id.c_str());
  }
  if (!config.auth.seller_token.empty()) {
    std::printf("livegate: seller studio at http://%s:%d/studio%s\n", host.c_str(), http.port(),
                config.auth.demo_login.empty() ? "" : " (press Demo login)");
  }
  if (!config.auth.demo_login.empty()) {
    log("http")->warn("auth.demo_login is on: anyone who can reach this server can sell on {}",
                      config.auth.demo_login);
  }
  std::fflush(stdout);
}

}  // namespace

int run_app(const Config& config) {
  // A client that goes while it is being written to must cost that write (EPIPE, its connection
  // closes), not the process: a write to a socket whose peer has gone raises SIGPIPE, whose
  // default action ends the process, and libuv writes with writev (no MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  set_log_level(config.log_level);
  set_log_format(config.log_format);
  if (auto missing = streaming::missing_elements(); !missing.empty()) {
    for (const auto& e : missing) {
      log("streaming")
          ->critical("GStreamer element '{}' is missing (apt-get install {})", e,
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
    if (auto started = embedded->start(); !started) {
      log("redis")->critical("{}", started.error().message);
      return 1;
    }
  }
  Node node(config, loop, metrics, endpoint_for(config.redis, embedded.get()));
  if (auto started = node.start(); !started) {
    log("server")->critical("{}", started.error().message);
    node.stop();
    return 1;
  }
  node.print_addresses();

  // /readyz says 503 "draining" from the first signal, so a load balancer stops sending viewers.
  Drain drain(loop, node.hub, node.orders, std::chrono::milliseconds(config.http.drain_ms),
              [&node] { node.readiness.set_draining(); });
  const guint sigint = g_unix_signal_add(SIGINT, drain_on_signal, &drain);
  const guint sigterm = g_unix_signal_add(SIGTERM, drain_on_signal, &drain);
  loop.run();
  g_source_remove(sigint);
  g_source_remove(sigterm);
  node.stop();
  log("server")->info("stopped cleanly");
  return 0;
}

}  // namespace livegate::server
