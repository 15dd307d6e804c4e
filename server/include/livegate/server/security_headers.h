#pragma once
// What browsers are told to enforce: a Content-Security-Policy and friends on every HTML page,
// and CORS for the REST API. The policy allows only what the pages use: their own scripts and
// styles, product images from any https site, hls.js's blob: media and worker, WebSockets.

#include <string>

#include "livegate/server/config.h"
#include "livegate/server/http_server.h"

namespace livegate::server {

enum class PageKind {
  page,     // viewer, keynote, home: nobody may frame them
  embed,    // /embed/{id}: framed by any site, or by http.embed_origins
  capture,  // /golive, /studio: the camera and microphone
};

// Content-Security-Policy, Referrer-Policy and Permissions-Policy for an HTML page.
void add_page_headers(HttpResponse& r, PageKind kind, const HttpConfig& http);

// Readable from any origin (Access-Control-Allow-Origin: *): the public GETs of the API
// (broadcast list and summaries, products, pins, deals), /healthz, /embed.js and the video
// under /live/ and /vod/.
bool is_public_read(const HttpRequest& request);

// Wraps respond so the answer carries the CORS headers this request earns: "*" on public reads,
// the request's Origin when http.cors_origins lists it (Vary: Origin either way).
Respond with_cors(const HttpConfig& http, const HttpRequest& request, Respond respond);

// An OPTIONS preflight: 204 with the allowed methods and headers for an allowed origin, 403
// (JSON) for any other; false when the request is not one (not OPTIONS, or no Origin).
bool answer_preflight(const HttpConfig& http, const HttpRequest& request, Respond& respond);

}  // namespace livegate::server
