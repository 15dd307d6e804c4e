#pragma once
// URL routing of DESIGN.md: pages, assets, HLS, API. One function so the whole URL space can
// be read in one place.

#include "livegate/server/api_handlers.h"
#include "livegate/server/broadcast_admin.h"
#include "livegate/server/compressed_files.h"
#include "livegate/server/http_server.h"
#include "livegate/server/observability.h"
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

void route_request(const RouteDeps& deps, const HttpRequest& request, Respond respond);

}  // namespace livegate::server
