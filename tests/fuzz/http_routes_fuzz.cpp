// The real HTTP routes (server/http_routes.h), in process, with every dependency a node has: the
// seller token is sent, so requests get past authorization into the handlers. Redis is not
// running: a handler that gets that far answers 503, which is a fine answer here. What is
// fuzzed is everything a request meets before: routing, typed reads of the JSON bodies,
// validation.
//
// Structure-aware: the input is read as a program over a body the server accepts
// (tests/support/api_calls.h): which call, then (field, value) pairs that put a value of another
// type (or a raw string taken from the input) into a field, nested fields included. Or, with the
// first byte's top bit set, the rest of the input is the body as it is, for any route.
//
// Every request must get exactly one answer, never a 500 (an exception at the boundary or a
// dropped answer), and the answer's body must be JSON.

#include <glib.h>

#include <cstdlib>

#include "api_calls.h"
#include "fuzz_input.h"
#include "livegate/chat/hub.h"
#include "livegate/commerce/catalog_store.h"
#include "livegate/commerce/flash_deals.h"
#include "livegate/commerce/order_desk.h"
#include "livegate/commerce/product_pins.h"
#include "livegate/commerce/shop_stats.h"
#include "livegate/common/guard.h"
#include "livegate/common/log.h"
#include "livegate/server/config.h"
#include "livegate/server/http_routes.h"
#include "livegate/server/broadcast/broadcast_registry.h"

using namespace livegate;
using namespace livegate::server;
using nlohmann::json;

namespace {

constexpr const char* kSellerToken = "fuzz-seller-token-0123456789";

// One node's objects, built once: the routes are stateless between requests but for what Redis
// would keep, and Redis is away.
struct Node {
  Node() : redis(loop, RedisEndpoint{"127.0.0.1", 1, ""}, "fuzz"), subscriber(loop, RedisEndpoint{"127.0.0.1", 1, ""}, "fuzz-events"),
        orders(loop, redis), catalog(redis), deals(redis), pins(redis), stats(redis), store(redis, subscriber),
        moderation(redis), qa(redis), presence(redis, "fuzz"),
        hub(loop, {.chat = store, .moderation = moderation, .qa = qa, .presence = presence}, chat::HubLimits{},
            chat::HubHandlers{}),
        shop{.broadcasts = broadcasts, .catalog = catalog, .deals = deals, .pins = pins, .stats = stats, .hub = hub,
             .config = config},
        admin{.broadcasts = broadcasts,
              .config = config,
              .rtmp_port = [] { return 1935; },
              .srt_port = [] { return 9000; }},
        deps{{broadcasts, orders, catalog, hub, redis}, config.http, config.media} {
    set_log_level("off");
    config.auth.seller_token = kSellerToken;
    config.auth.jwt_secret = "fuzz-jwt-secret-0123456789abcdef-0123";
    // Playlists are written (an end adds EXT-X-ENDLIST): a folder of this process's own.
    char* media_root = g_dir_make_tmp("livegate-fuzz-XXXXXX", nullptr);
    config.media.root = media_root ? media_root : "/tmp";
    g_free(media_root);
    for (const char* id : {"orchard", "talk"}) {
      BroadcastConfig b;
      b.id = id;
      b.title = id;
      b.mode = std::string(id) == "orchard" ? server::BroadcastMode::sale : server::BroadcastMode::keynote;
      // No test source: no pipeline per process. Without a listener nothing goes to Redis, so
      // the open is done at once.
      b.fallback_test_source = false;
      broadcasts.open(b, [](Result<server::Broadcast*> opened) {
        if (!opened) std::abort();
      });
    }
    // A create that passes every check stops at the broadcast limit (507): a keynote needs no
    // Redis to open, and would start a real pipeline per input.
    config.media.max_broadcasts = broadcasts.size();
    deps.admin = &admin;
    deps.shop = &shop;
    routes = std::make_unique<HttpRoutes>(deps);
  }

  EventLoop loop;
  Config config;
  RedisClient redis;
  RedisClient subscriber;
  BroadcastRegistry broadcasts{loop, config.media};
  commerce::OrderDesk orders;
  commerce::CatalogStore catalog;
  commerce::FlashDeals deals;
  commerce::ProductPins pins;
  commerce::ShopStats stats;
  chat::ChatStore store;
  chat::Moderation moderation;
  chat::QaBoard qa;
  chat::Presence presence;
  chat::Hub hub;
  ShopDeps shop;
  AdminDeps admin;
  RouteDeps deps;
  std::unique_ptr<HttpRoutes> routes;
};

Node& node() {
  static Node* n = new Node;  // lives for the process: libFuzzer never returns from main
  return *n;
}

// The next byte of the program (0 when it has run out).
struct Program {
  const uint8_t* data;
  size_t size;
  size_t at = 0;
  uint8_t next() { return at < size ? data[at++] : 0; }
  std::string_view rest() const { return livegate::fuzz::as_text(data + at, size - at); }
};

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Node& n = node();
  static const auto calls = livegate::testing::api_calls_with_bodies();
  static const auto wrong = livegate::testing::wrong_values();
  Program program{data, size};
  const uint8_t first = program.next();
  const auto& call = calls[first % calls.size()];

  HttpRequest request;
  request.method = call.method;
  request.path = call.path;
  request.authorization = std::string("Bearer ") + kSellerToken;
  request.content_type = "application/json";
  if (first & 0x80) {
    request.body = std::string(program.rest());  // the body as it is
  } else {
    json body = call.body;
    const auto fields = livegate::testing::field_paths(call.body);
    for (int edits = program.next() % 4 + 1; edits > 0 && !fields.empty(); --edits) {
      const auto& path = fields[program.next() % fields.size()];
      const uint8_t kind = program.next();
      json value = kind % (wrong.size() + 1) == wrong.size() ? json(std::string(program.rest().substr(0, 64)))
                                                              : wrong[kind % (wrong.size() + 1)];
      body = livegate::testing::with_field(std::move(body), path, std::move(value));
    }
    request.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  const auto caught_before = exceptions_caught(Boundary::http) + exceptions_caught(Boundary::redis) +
                             exceptions_caught(Boundary::timer);
  int answers = 0;
  HttpResponse answer;
  n.routes->handle(request, [&](HttpResponse r) {
    ++answers;
    answer = std::move(r);
  });
  // Redis refusals come on a later turn of the loop.
  for (int turns = 0; answers == 0 && turns < 100; ++turns) g_main_context_iteration(n.loop.context(), FALSE);
  check(answers == 1);
  check(answer.status >= 200 && answer.status < 600 && answer.status != 500);
  check(json::accept(answer.body) || answer.status == 204);
  check(exceptions_caught(Boundary::http) + exceptions_caught(Boundary::redis) + exceptions_caught(Boundary::timer) ==
        caught_before);
  return 0;
}
