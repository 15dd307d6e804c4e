#include "livegate/server/broadcast_admin.h"

#include <algorithm>
#include <random>

#include "livegate/server/chat_tokens.h"

#include "livegate/common/log.h"

namespace livegate::server {

std::string new_stream_key() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;  // getrandom(2) on Linux
  std::uniform_int_distribution<int> pick(0, sizeof(kChars) - 2);
  std::string key;
  for (int i = 0; i < 24; ++i) key += kChars[pick(rd)];
  return key;
}

bool authorize_seller(const AuthConfig& auth, const HttpRequest& request, Respond& respond) {
  if (auth.seller_token.empty()) {
    respond(json_error(403, "the seller API is disabled (set auth.seller_token)"));
    return false;
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (!request.authorization.starts_with(kBearer)) {
    HttpResponse r = json_error(401, "send Authorization: Bearer <seller token>");
    r.headers.emplace_back("www-authenticate", "Bearer");
    respond(std::move(r));
    return false;
  }
  if (!constant_time_equal(request.authorization.substr(kBearer.size()), auth.seller_token)) {
    log("http")->warn("seller API: wrong token for {} {}", request.method, request.path);
    respond(json_error(403, "wrong seller token"));
    return false;
  }
  return true;
}

void handle_demo_login(const AuthConfig& auth, Respond respond) {
  if (!auth.demo_login || auth.seller_token.empty()) return respond(json_error(404, "no such API endpoint"));
  log("http")->info("demo login: seller token handed out");
  respond(json_response(200, nlohmann::json{{"seller_token", auth.seller_token}}.dump()));
}

namespace {
// Where publishers connect with this key. "<host>": the server cannot know the name its
// publishers use for it; the studio fills in the one in its address bar.
nlohmann::json publish_urls(const AdminDeps& deps, const std::string& key) {
  return {{"rtmp_url", "rtmp://<host>:" + std::to_string(deps.rtmp_port()) + "/" +
                           deps.config.ingest.rtmp_app + "/" + key},
          {"srt_url", "srt://<host>:" + std::to_string(deps.srt_port()) + "?streamid=" + key},
          {"whip_url", "/whip/" + key}};
}

nlohmann::json publish_info(const AdminDeps& deps, const Broadcast& b) {
  nlohmann::json j = broadcast_summary(b);
  j["stream_key"] = b.config.stream_key;
  j.update(publish_urls(deps, b.config.stream_key));
  return j;
}
}  // namespace

void handle_ingest_urls(const AdminDeps& deps, const HttpRequest& request, Respond respond) {
  if (!authorize_seller(deps.config.auth, request, respond)) return;
  respond(json_response(200, publish_urls(deps, "{key}").dump()));
}

void handle_create_broadcast(const AdminDeps& deps, const HttpRequest& request, Respond respond) {
  if (!authorize_seller(deps.config.auth, request, respond)) return;
  BroadcastConfig config;
  try {
    config = parse_broadcast(request.body, deps.config.commerce);
  } catch (const ConfigError& e) {
    return respond(json_error(400, e.what()));
  }
  if (deps.broadcasts.contains(config.id)) {
    return respond(json_error(409, "a broadcast with id '" + config.id + "' exists"));
  }
  if (config.stream_key.empty()) config.stream_key = new_stream_key();
  for (const auto& [id, b] : deps.broadcasts) {
    if (constant_time_equal(b.config.stream_key, config.stream_key)) {
      return respond(json_error(409, "that stream key is in use"));
    }
  }
  const std::string id = config.id;
  Broadcast& b = deps.broadcasts[id];
  b.config = std::move(config);
  b.state = "starting";
  if (b.config.mode == "sale") deps.orders.open_shop(id);
  deps.catalog.seed(id, b.config.products,
                        [deps, id, respond = std::move(respond)](const std::string& error) {
                          auto it = deps.broadcasts.find(id);
                          if (it == deps.broadcasts.end()) return;
                          if (!error.empty()) {
                            deps.broadcasts.erase(it);
                            return respond(json_error(503, "cannot open the shop: " + error));
                          }
                          deps.hub.open_room(id);
                          std::string media_error;
                          if (!deps.media.add(id, &media_error)) {
                            log("streaming")->error("{}", media_error);
                          }
                          deps.keys_changed();
                          if (deps.opened) deps.opened(id);
                          log("http")->info("broadcast {} created", id);
                          respond(json_response(201, publish_info(deps, it->second).dump()));
                        });
}

void handle_end_broadcast(const AdminDeps& deps, const std::string& id, Respond respond) {
  auto it = deps.broadcasts.find(id);
  if (it == deps.broadcasts.end()) return respond(json_error(404, "no broadcast with id '" + id + "'"));
  if (it->second.state == "ended") return respond(json_error(409, "the broadcast has already ended"));
  deps.media.end(id);
  respond(json_response(200, broadcast_summary(it->second).dump()));
}

void handle_rotate_key(const AdminDeps& deps, const std::string& id, Respond respond) {
  auto it = deps.broadcasts.find(id);
  if (it == deps.broadcasts.end()) return respond(json_error(404, "no broadcast with id '" + id + "'"));
  it->second.config.stream_key = new_stream_key();
  deps.keys_changed();
  log("http")->info("broadcast {}: stream key rotated", id);
  respond(json_response(200, publish_info(deps, it->second).dump()));
}

void handle_issue_token(const AdminDeps& deps, const std::string& id, const HttpRequest& request,
                        Respond respond) {
  if (!deps.broadcasts.contains(id)) return respond(json_error(404, "no broadcast with id '" + id + "'"));
  const AuthConfig& auth = deps.config.auth;
  if (auth.jwt_secret.empty()) return respond(json_error(503, "tokens are off: set auth.jwt_secret"));
  auto body = nlohmann::json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
  if (!body.is_object()) return respond(json_error(400, "the body must be a JSON object"));
  TokenClaims claims;
  claims.room = id;
  claims.role = body.value("role", "moderator");
  claims.name = body.value("name", "");
  claims.user = body.value("user", "");
  const int ttl = body.value("ttl_seconds", auth.token_ttl_seconds);
  if (!valid_role(claims.role)) return respond(json_error(400, "role must be viewer, moderator or seller"));
  if (claims.name.empty() || claims.name.size() > 64) {
    return respond(json_error(400, "name must be 1-64 bytes"));
  }
  if (claims.user.size() > 64 || std::any_of(claims.user.begin(), claims.user.end(),
                                             [](char c) { return c <= 32 || c >= 127; })) {
    return respond(json_error(400, "user must be up to 64 printable ASCII characters"));
  }
  if (ttl < 60 || ttl > auth.token_ttl_seconds) {
    return respond(json_error(400, "ttl_seconds must be between 60 and " + std::to_string(auth.token_ttl_seconds)));
  }
  // Staff ids are distinct from guest ids ("g-...") so a guest can never pose as one.
  if (claims.user.empty()) claims.user = claims.role.substr(0, 1) + "-" + new_stream_key().substr(0, 12);
  claims.expires_at = unix_seconds() + ttl;
  std::string token = issue_token(auth.jwt_secret, claims);
  if (token.empty()) return respond(json_error(500, "could not sign the token"));
  log("http")->info("broadcast {}: {} token issued for {} ({})", id, claims.role, claims.user, claims.name);
  respond(json_response(201, nlohmann::json{{"token", token},
                                            {"user", claims.user},
                                            {"name", claims.name},
                                            {"role", claims.role},
                                            {"room", id},
                                            {"expires_at", claims.expires_at}}
                                 .dump()));
}

}  // namespace livegate::server
