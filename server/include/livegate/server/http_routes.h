#pragma once
// livegate's URL space, in one table (README.md's HTTP API section describes it for people):
//   pages      /, /watch/{id}, /keynote/{id}, /embed/{id}, /embed.js, /golive, /studio
//   files      /assets/{path...}, /vendor/hls.min.js
//   video      /live/{id}/{file...} (playlists, segments, thumbnails), /vod/{id}/{file}
//   API        /api/... (api_handlers.h, broadcast_admin.h, shop_routes.h, order_routes.h)
//   ingest     /whip/... (whip_routes.h)
//   operations /healthz, /readyz, /metrics
// Every answer gets its CORS headers here (security_headers.h), and preflights are answered
// before routing.

#include "livegate/server/api_handlers.h"
#include "livegate/server/broadcast_admin.h"
#include "livegate/server/compressed_files.h"
#include "livegate/server/http_server.h"
#include "livegate/server/observability.h"
#include "livegate/server/router.h"
#include "livegate/server/shop_routes.h"
#include "livegate/server/whip_routes.h"

namespace livegate::server {

struct RouteDeps {
  ApiDeps api;
  const HttpConfig& http;
  const MediaConfig& media;
  const AdminDeps* admin = nullptr;  // the seller API, when wired
  const ShopDeps* shop = nullptr;    // products, pins, deals, stats, when wired
  streaming::WhipServer* whip = nullptr;  // WHIP ingest, when enabled
  const CompressedFiles* compressed = nullptr;  // gzip copies of the pages' files
  const ObserveDeps* observe = nullptr;  // GET /metrics and /readyz, when wired
};

class HttpRoutes {
 public:
  // deps (and what it points to) must outlive this object.
  explicit HttpRoutes(const RouteDeps& deps);

  void handle(const HttpRequest& request, Respond respond) const;
  const Router& router() const { return router_; }

 private:
  const RouteDeps& deps_;
  Router router_;
};

}  // namespace livegate::server
