#include "livegate/server/http_routes.h"

#include <optional>
#include <vector>

#include "livegate/server/compressed_files.h"
#include "livegate/server/order_routes.h"
#include "livegate/server/security_headers.h"
#include "livegate/server/static_files.h"

namespace livegate::server {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (!parts.empty() && parts.back().empty()) parts.pop_back();  // trailing slash
  return parts;
}

// A file from disk, or its gzip copy from startup when the client takes gzip and the file has
// not changed since.
HttpResponse file_response(const RouteDeps& deps, const HttpRequest& request, const std::string& path) {
  HttpResponse r;
  r.content_type = mime_type(path);
  r.headers.emplace_back("cache-control", cache_control_for(path));
  if (!compressible(path)) {
    r.file_path = path;
    return r;
  }
  r.headers.emplace_back("vary", "accept-encoding");
  auto gzip = deps.compressed ? deps.compressed->gzip_of(path) : nullptr;
  if (gzip && accepts_gzip(request.accept_encoding)) {
    r.body = *gzip;
    r.headers.emplace_back("content-encoding", "gzip");
  } else {
    r.file_path = path;
  }
  return r;
}

HttpResponse not_found_page() {
  HttpResponse r;
  r.status = 404;
  r.content_type = "text/html; charset=utf-8";
  r.body =
      "<!doctype html><meta charset=utf-8><title>Not found</title>"
      "<p>This broadcast does not exist or has ended. <a href=\"/\">See what is live</a>.</p>";
  return r;
}

// page: an HTML page, which gets its CSP, referrer and permissions policies (security_headers.h).
void serve_from(const RouteDeps& deps, const HttpRequest& request, const std::string& root,
                std::string_view relative, Respond& respond, std::optional<PageKind> page = std::nullopt) {
  auto path = resolve_file(root, relative);
  if (!path) return respond(json_error(404, "not found"));
  HttpResponse r = file_response(deps, request, *path);
  if (page) add_page_headers(r, *page, deps.http);
  respond(std::move(r));
}

void serve_page(const RouteDeps& deps, const HttpRequest& request, std::string_view file, PageKind kind,
                Respond& respond) {
  serve_from(deps, request, deps.http.web_root, file, respond, kind);
}

}  // namespace

void route_request(const RouteDeps& deps, const HttpRequest& request, Respond respond) {
  respond = with_cors(deps.http, request, std::move(respond));
  if (answer_preflight(deps.http, request, respond)) return;
  const auto parts = split_path(request.path);
  const std::string& web = deps.http.web_root;
  if (deps.shop && route_shop_request(*deps.shop, request, parts, respond)) return;
  if (request.method == "POST" && deps.admin && parts.size() == 2 && parts[0] == "api" &&
      parts[1] == "demo-login") {
    return handle_demo_login(deps.admin->config.auth, std::move(respond));
  }
  if (request.method == "GET" && deps.admin && parts.size() == 2 && parts[0] == "api" &&
      parts[1] == "ingest") {
    return handle_ingest_urls(*deps.admin, request, std::move(respond));
  }
  if (request.method == "POST" && deps.admin && parts.size() >= 2 && parts[0] == "api" &&
      parts[1] == "broadcasts") {
    if (parts.size() == 2) return handle_create_broadcast(*deps.admin, request, std::move(respond));
    if (!authorize_seller(deps.admin->config.auth, request, respond, parts[2])) return;
    if (parts.size() == 4 && parts[3] == "end") {
      return handle_end_broadcast(*deps.admin, std::string(parts[2]), std::move(respond));
    }
    if (parts.size() == 4 && parts[3] == "key") {
      return handle_rotate_key(*deps.admin, std::string(parts[2]), std::move(respond));
    }
    if (parts.size() == 4 && parts[3] == "tokens") {
      return handle_issue_token(*deps.admin, std::string(parts[2]), request, std::move(respond));
    }
    return respond(json_error(404, "no such API endpoint"));
  }
  // Seller-only reads: the orders of a broadcast, behind the same token as the POSTs above.
  if (request.method == "GET" && deps.admin && parts.size() == 4 && parts[0] == "api" &&
      parts[1] == "broadcasts" && (parts[3] == "orders" || parts[3] == "orders.csv")) {
    if (!authorize_seller(deps.admin->config.auth, request, respond, parts[2])) return;
    const OrderApiDeps orders{deps.api.broadcasts, deps.api.redis,
                              deps.admin->config.commerce.csv_max_orders};
    if (parts[3] == "orders") {
      return handle_list_orders(orders, std::string(parts[2]), request, std::move(respond));
    }
    return handle_orders_csv(orders, std::string(parts[2]), request, std::move(respond));
  }
  if (!parts.empty() && parts[0] == "whip" && parts.size() >= 2) {
    return handle_whip(deps.whip, request, parts, std::move(respond));
  }
  if (request.method != "GET") {
    return respond(json_error(405, request.method + " is not allowed here"));
  }
  if (parts.empty()) return serve_page(deps, request, "index.html", PageKind::page, respond);
  const std::string_view head = parts[0];

  if (head == "healthz" && parts.size() == 1) return handle_healthz(deps.api, std::move(respond));
  if (head == "readyz" && parts.size() == 1 && deps.observe) return handle_readyz(*deps.observe, std::move(respond));
  if (head == "metrics" && parts.size() == 1 && deps.observe) return handle_metrics(*deps.observe, std::move(respond));
  if (head == "api") {
    if (parts.size() == 2 && parts[1] == "broadcasts") {
      return handle_list_broadcasts(deps.api, std::move(respond));
    }
    if (parts.size() == 3 && parts[1] == "broadcasts") {
      return handle_get_broadcast(deps.api, std::string(parts[2]), std::move(respond));
    }
    return respond(json_error(404, "no such API endpoint"));
  }
  // A broadcast's pages: /watch (a sale), /keynote (a talk: program and Q&A, no shop) and /embed
  // (player + shop for other sites' iframes; /embed.js makes one) are one page that lays itself
  // out by the path and the broadcast's mode.
  if ((head == "watch" || head == "keynote" || head == "embed") && parts.size() == 2) {
    if (!deps.api.broadcasts.contains(std::string(parts[1]))) {
      HttpResponse r = not_found_page();
      add_page_headers(r, PageKind::page, deps.http);
      return respond(std::move(r));
    }
    return serve_page(deps, request, "watch.html", head == "embed" ? PageKind::embed : PageKind::page, respond);
  }
  if (head == "embed.js" && parts.size() == 1) return serve_from(deps, request, web, "js/embed-loader.js", respond);
  if (head == "golive" && parts.size() == 1) return serve_page(deps, request, "golive.html", PageKind::capture, respond);
  if (head == "studio" && parts.size() == 1) return serve_page(deps, request, "studio.html", PageKind::capture, respond);
  if (head == "assets" && parts.size() >= 2) {
    const std::string_view rest = std::string_view(request.path).substr(std::string_view("/assets/").size());
    if (rest.starts_with("node_modules")) return respond(json_error(404, "not found"));
    if (rest.ends_with(".html")) return serve_page(deps, request, rest, PageKind::page, respond);
    return serve_from(deps, request, web, rest, respond);
  }
  if (head == "vendor" && parts.size() == 2 && parts[1] == "hls.min.js") {
    if (is_regular_file(deps.http.hls_js)) return respond(file_response(deps, request, deps.http.hls_js));
    return respond(json_error(404, "hls.js is not installed (run npm ci)"));
  }
  if (head == "vod" && parts.size() == 3) {
    if (!deps.api.broadcasts.contains(std::string(parts[1]))) {
      return respond(json_error(404, "no broadcast with this id"));
    }
    return serve_from(deps, request, deps.media.root + "/vod/" + std::string(parts[1]), parts[2], respond);
  }
  if (head == "live" && (parts.size() == 3 || parts.size() == 4)) {  // 4: an ABR rung's files
    if (!deps.api.broadcasts.contains(std::string(parts[1]))) {
      return respond(json_error(404, "no broadcast with this id"));
    }
    const size_t rest = std::string_view("/live/").size() + parts[1].size() + 1;
    return serve_from(deps, request, deps.media.root + "/live/" + std::string(parts[1]),
                      std::string_view(request.path).substr(rest), respond);
  }
  respond(json_error(404, "not found"));
}

}  // namespace livegate::server
