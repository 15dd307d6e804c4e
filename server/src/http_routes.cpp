#include "livegate/server/http_routes.h"

#include <optional>

#include "livegate/server/compressed_files.h"
#include "livegate/server/order_routes.h"
#include "livegate/server/security_headers.h"
#include "livegate/server/static_files.h"

namespace livegate::server {

namespace {

using P = const RouteParams&;
using R = const HttpRequest&;

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

RouteHandler page(const RouteDeps& deps, std::string file, PageKind kind) {
  return [&deps, file = std::move(file), kind](R request, P, Respond respond) {
    serve_from(deps, request, deps.http.web_root, file, respond, kind);
  };
}

// /watch (a sale), /keynote (a talk: program and Q&A, no shop) and /embed (player + shop for
// other sites' iframes; /embed.js makes one) are one page that lays itself out by the path and
// the broadcast's mode.
RouteHandler broadcast_page(const RouteDeps& deps, PageKind kind) {
  return [&deps, kind](R request, P params, Respond respond) {
    if (!deps.api.broadcasts.contains(std::string(params["id"]))) {
      HttpResponse r = not_found_page();
      add_page_headers(r, PageKind::page, deps.http);
      return respond(std::move(r));
    }
    serve_from(deps, request, deps.http.web_root, "watch.html", respond, kind);
  };
}

// /live/{id}/... and /vod/{id}/...: a known broadcast's media folder under media.root.
RouteHandler media_files(const RouteDeps& deps, std::string folder) {
  return [&deps, folder = std::move(folder)](R request, P params, Respond respond) {
    const std::string id(params["id"]);
    if (!deps.api.broadcasts.contains(id)) return respond(json_error(404, "no broadcast with this id"));
    serve_from(deps, request, deps.media.root + "/" + folder + "/" + id, params["file"], respond);
  };
}

void add_page_routes(Router& router, const RouteDeps& deps) {
  router.add("GET", "/", page(deps, "index.html", PageKind::page));
  router.add("GET", "/watch/{id}", broadcast_page(deps, PageKind::page));
  router.add("GET", "/keynote/{id}", broadcast_page(deps, PageKind::page));
  router.add("GET", "/embed/{id}", broadcast_page(deps, PageKind::embed));
  router.add("GET", "/golive", page(deps, "golive.html", PageKind::capture));
  router.add("GET", "/studio", page(deps, "studio.html", PageKind::capture));
  router.add("GET", "/embed.js", [&deps](R request, P, Respond respond) {
    serve_from(deps, request, deps.http.web_root, "js/embed-loader.js", respond);
  });
  router.add("GET", "/assets/{path...}", [&deps](R request, P params, Respond respond) {
    const std::string_view rest = params["path"];
    if (rest.starts_with("node_modules")) return respond(json_error(404, "not found"));
    if (rest.ends_with(".html")) return serve_from(deps, request, deps.http.web_root, rest, respond, PageKind::page);
    serve_from(deps, request, deps.http.web_root, rest, respond);
  });
  router.add("GET", "/vendor/hls.min.js", [&deps](R request, P, Respond respond) {
    if (!is_regular_file(deps.http.hls_js)) return respond(json_error(404, "hls.js is not installed (run npm ci)"));
    respond(file_response(deps, request, deps.http.hls_js));
  });
  router.add("GET", "/live/{id}/{file...}", media_files(deps, "live"));  // {file}: an ABR rung's too
  router.add("GET", "/vod/{id}/{file}", media_files(deps, "vod"));
}

void add_api_routes(Router& router, const RouteDeps& deps) {
  router.add("GET", "/healthz", [&deps](R, P, Respond respond) { handle_healthz(deps.api, std::move(respond)); });
  if (deps.observe) {
    router.add("GET", "/readyz", [&deps](R, P, Respond respond) { handle_readyz(*deps.observe, std::move(respond)); });
    router.add("GET", "/metrics", [&deps](R, P, Respond respond) { handle_metrics(*deps.observe, std::move(respond)); });
  }
  router.add("GET", "/api/broadcasts", [&deps](R, P, Respond respond) {
    handle_list_broadcasts(deps.api, std::move(respond));
  });
  router.add("GET", "/api/broadcasts/{id}", [&deps](R, P params, Respond respond) {
    handle_get_broadcast(deps.api, std::string(params["id"]), std::move(respond));
  });
}

void add_admin_routes(Router& router, const RouteDeps& deps) {
  const AdminDeps& admin = *deps.admin;
  const AuthConfig& auth = admin.config.auth;
  router.add("POST", "/api/demo-login", [&admin](R, P, Respond respond) { handle_demo_login(admin, std::move(respond)); });
  router.add("GET", "/api/ingest", [&admin](R request, P, Respond respond) {
    handle_ingest_urls(admin, request, std::move(respond));
  });
  router.add("POST", "/api/broadcasts", [&admin](R request, P, Respond respond) {
    handle_create_broadcast(admin, request, std::move(respond));
  });
  // The broadcast's seller (or the operator) only.
  const auto seller = [&auth](auto handler) {
    return [&auth, handler](R request, P params, Respond respond) {
      const std::string id(params["id"]);
      auto caller = authorize_seller(auth, request, respond, id);
      if (!caller) return;
      handler(*caller, id, request, std::move(respond));
    };
  };
  router.add("POST", "/api/broadcasts/{id}/end", seller([&admin](const ApiCaller&, const std::string& id, R, Respond respond) {
               handle_end_broadcast(admin, id, std::move(respond));
             }));
  router.add("POST", "/api/broadcasts/{id}/key", seller([&admin](const ApiCaller&, const std::string& id, R, Respond respond) {
               handle_rotate_key(admin, id, std::move(respond));
             }));
  router.add("POST", "/api/broadcasts/{id}/tokens",
             seller([&admin](const ApiCaller& caller, const std::string& id, R request, Respond respond) {
               handle_issue_token(admin, caller, id, request, std::move(respond));
             }));
  const auto orders = [&deps, &admin] {
    return OrderApiDeps{deps.api.broadcasts, deps.api.redis, admin.config.commerce.csv_max_orders};
  };
  router.add("GET", "/api/broadcasts/{id}/orders",
             seller([orders](const ApiCaller&, const std::string& id, R request, Respond respond) {
               handle_list_orders(orders(), id, request, std::move(respond));
             }));
  router.add("GET", "/api/broadcasts/{id}/orders.csv",
             seller([orders](const ApiCaller&, const std::string& id, R request, Respond respond) {
               handle_orders_csv(orders(), id, request, std::move(respond));
             }));
}

}  // namespace

HttpRoutes::HttpRoutes(const RouteDeps& deps) : deps_(deps) {
  add_page_routes(router_, deps);
  add_api_routes(router_, deps);
  if (deps.admin) add_admin_routes(router_, deps);
  if (deps.shop) add_shop_routes(router_, *deps.shop);
  add_whip_routes(router_, deps.whip);
}

void HttpRoutes::handle(const HttpRequest& request, Respond respond) const {
  // A preflight answers with its own CORS headers; every other answer gets them from with_cors.
  if (answer_preflight(deps_.http, request, respond)) return;
  router_.dispatch(request, with_cors(deps_.http, request, std::move(respond)));
}

}  // namespace livegate::server
