#include "livegate/server/security_headers.h"

#include <algorithm>
#include <vector>

namespace livegate::server {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : " ") + i;
  return out;
}

bool allowed_origin(const HttpConfig& http, const std::string& origin) {
  return !origin.empty() && std::find(http.cors_origins.begin(), http.cors_origins.end(), origin) !=
                                http.cors_origins.end();
}

}  // namespace

void add_page_headers(HttpResponse& r, PageKind kind, const HttpConfig& http) {
  // connect-src: 'self' is the page's own origin for fetch and (CSP 3) its ws:/wss:; the schemes
  // are listed as well for browsers that do not map 'self' onto WebSockets.
  // frame-ancestors: nobody frames the pages, except /embed/{id}: the listed sites, or with no
  // list any site at all. "Any" leaves the directive out rather than writing "*", because "*"
  // only matches http(s) ancestors and would refuse a host page with an opaque origin (a
  // sandboxed iframe, about:blank, file://) that embeds the player.
  std::string frame_ancestors = "; frame-ancestors 'none'";
  if (kind == PageKind::embed) {
    frame_ancestors = http.embed_origins.empty() ? "" : "; frame-ancestors " + join(http.embed_origins);
  }
  r.headers.emplace_back("content-security-policy",
                         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
                         "media-src 'self' blob:; connect-src 'self' ws: wss:; worker-src 'self' blob:; "
                         "object-src 'none'; base-uri 'self'; form-action 'self'" +
                             frame_ancestors);
  r.headers.emplace_back("referrer-policy", "strict-origin-when-cross-origin");
  r.headers.emplace_back("permissions-policy", kind == PageKind::capture
                                                   ? "camera=(self), microphone=(self), geolocation=(), payment=()"
                                                   : "camera=(), microphone=(), geolocation=(), payment=()");
}

bool is_public_read(const HttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD" && request.method != "OPTIONS") return false;
  const std::string& p = request.path;
  if (p == "/embed.js" || p == "/healthz" || p == "/api/broadcasts" || p == "/api/broadcasts/") return true;
  // The video itself (playlists, segments, thumbnails, replays): a shop's own hls.js player on
  // another site plays it as our pages do.
  if (p.starts_with("/live/") || p.starts_with("/vod/")) return true;
  constexpr std::string_view kPrefix = "/api/broadcasts/";
  if (!p.starts_with(kPrefix)) return false;
  const std::string_view rest = std::string_view(p).substr(kPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return !rest.empty();  // one broadcast's summary
  const std::string_view what = rest.substr(slash + 1);
  return what == "products" || what == "pins" || what == "deals";
}

Respond with_cors(const HttpConfig& http, const HttpRequest& request, Respond respond) {
  const bool open = is_public_read(request);
  const bool listed = allowed_origin(http, request.origin);
  if (!open && !listed) return respond;
  return [open, origin = request.origin, respond = std::move(respond)](HttpResponse r) {
    r.headers.emplace_back("access-control-allow-origin", open ? "*" : origin);
    if (!open) r.headers.emplace_back("vary", "origin");
    respond(std::move(r));
  };
}

bool answer_preflight(const HttpConfig& http, const HttpRequest& request, Respond& respond) {
  // Only browsers' preflights (they carry Origin); another OPTIONS goes on to the routes (405).
  if (request.method != "OPTIONS" || request.origin.empty()) return false;
  // A listed origin may call everything; any other only reads the public GETs.
  const bool open = !allowed_origin(http, request.origin) && is_public_read(request);
  if (!open && !allowed_origin(http, request.origin)) {
    respond(json_error(403, "cross-origin calls from this origin are not allowed (http.cors_origins)"));
    return true;
  }
  HttpResponse r;
  r.status = 204;
  r.content_type = "text/plain";
  r.headers.emplace_back("access-control-allow-origin", open ? "*" : request.origin);
  if (!open) r.headers.emplace_back("vary", "origin");
  r.headers.emplace_back("access-control-allow-methods",
                         open ? "GET, HEAD, OPTIONS" : "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  r.headers.emplace_back("access-control-allow-headers", "authorization, content-type");
  r.headers.emplace_back("access-control-max-age", "600");
  respond(std::move(r));
  return true;
}

}  // namespace livegate::server
