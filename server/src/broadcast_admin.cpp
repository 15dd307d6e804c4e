#include "livegate/server/broadcast_admin.h"

#include <algorithm>
#include <random>

#include "livegate/server/chat_tokens.h"

#include "livegate/chat/chat_store.h"
#include "livegate/common/json_fields.h"
#include "livegate/common/log.h"
#include "livegate/common/people_text.h"
#include "livegate/common/secret_hash.h"

namespace livegate::server {

std::string new_stream_key() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;  // getrandom(2) on Linux
  std::uniform_int_distribution<int> pick(0, sizeof(kChars) - 2);
  std::string key;
  for (int i = 0; i < 24; ++i) key += kChars[pick(rd)];
  return key;
}

namespace {

void refuse(Respond& respond, int status, const std::string& message) {
  HttpResponse r = json_error(status, message);
  if (status == 401) r.headers.emplace_back("www-authenticate", "Bearer");
  respond(std::move(r));
}

// The seller token (the operator's) or a JWT: who may call, checked against what the call needs.
// need_admin: creating broadcasts and the like; otherwise a seller JWT for `room` (or for no
// room in particular) will do, and an empty `room` accepts any seller.
std::optional<ApiCaller> authorize(const AuthConfig& auth, const HttpRequest& request, Respond& respond,
                                   std::string_view room, bool need_admin) {
  if (auth.seller_token.empty() && auth.jwt_secret.empty()) {
    refuse(respond, 403, "the seller API is disabled (set auth.seller_token or auth.jwt_secret)");
    return std::nullopt;
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (!request.authorization.starts_with(kBearer)) {
    refuse(respond, 401, "send Authorization: Bearer <seller token or JWT>");
    return std::nullopt;
  }
  const std::string credential = request.authorization.substr(kBearer.size());
  if (!auth.seller_token.empty() && constant_time_equal(credential, auth.seller_token)) {
    return ApiCaller{Role::admin, "", "operator"};
  }
  // Anything shaped like a JWT (three dot-separated parts) is judged as one; anything else is a
  // wrong seller token.
  if (auth.jwt_secret.empty() || std::count(credential.begin(), credential.end(), '.') != 2) {
    log("http")->warn("seller API: wrong token for {} {}", request.method, request.path);
    refuse(respond, 403, "wrong seller token");
    return std::nullopt;
  }
  std::string why;
  auto claims = decode_token(auth.jwt_secret, credential, unix_seconds(), &why);
  if (!claims) {
    log("http")->info("seller API: refused token for {} {}: {}", request.method, request.path, why);
    refuse(respond, 401, why);
    return std::nullopt;
  }
  const Role role = role_of(claims->role).value_or(Role::viewer);
  if (role == Role::admin) return ApiCaller{Role::admin, claims->room, claims->user};
  if (role != Role::seller) {
    refuse(respond, 403, "a " + claims->role + " token cannot use the seller API");
    return std::nullopt;
  }
  if (need_admin) {
    refuse(respond, 403, "only an admin (or the operator's seller token) can do that");
    return std::nullopt;
  }
  if (!room.empty() && !claims->room.empty() && claims->room != room) {
    refuse(respond, 403, "the token is for broadcast '" + claims->room + "', not this one");
    return std::nullopt;
  }
  return ApiCaller{Role::seller, claims->room, claims->user};
}

}  // namespace

std::optional<ApiCaller> authorize_seller(const AuthConfig& auth, const HttpRequest& request, Respond& respond,
                                          std::string_view room) {
  return authorize(auth, request, respond, room, false);
}

std::optional<ApiCaller> authorize_admin(const AuthConfig& auth, const HttpRequest& request, Respond& respond) {
  return authorize(auth, request, respond, {}, true);
}

void handle_demo_login(const AdminDeps& deps, Respond respond) {
  const AuthConfig& auth = deps.config.auth;
  const std::string& room = auth.demo_login;
  if (room.empty() || auth.jwt_secret.empty()) return respond(json_error(404, "no such API endpoint"));
  const Broadcast* b = deps.broadcasts.find(room);
  if (!b) return respond(json_error(404, "the demo broadcast '" + room + "' has ended"));
  // A seller of the demo broadcast for a while: never the operator's seller token, which
  // creates broadcasts and never expires.
  TokenClaims claims;
  claims.role = "seller";
  claims.room = room;
  const BroadcastConfig& demo = b->config();
  claims.name = first_chars(clean_people_text(demo.seller.empty() ? demo.title : demo.seller), 64);
  if (display_name_problem(claims.name, 64)) claims.name = "Seller";
  claims.user = "s-demo-" + new_stream_key().substr(0, 12);
  claims.expires_at = unix_seconds() + auth.demo_login_ttl_seconds;
  const std::string token = issue_token(auth.jwt_secret, claims);
  if (token.empty()) return respond(json_error(500, "could not sign the token"));
  log("http")->info("demo login: a seller token for {} handed out ({} s)", room, auth.demo_login_ttl_seconds);
  respond(json_response(200, nlohmann::json{{"token", token},
                                            {"role", claims.role},
                                            {"room", room},
                                            {"expires_at", claims.expires_at}}));
}

namespace {
// Where publishers connect with this key. "<host>": the server cannot know the name its
// publishers use for it; the studio fills in the one in its address bar.
nlohmann::json publish_urls(const AdminDeps& deps, const std::string& key) {
  return {{"rtmp_url", "rtmp://<host>:" + std::to_string(deps.rtmp_port()) + "/" +
                           deps.config.ingest.rtmp.app + "/" + key},
          {"srt_url", "srt://<host>:" + std::to_string(deps.srt_port()) + "?streamid=" + key},
          {"whip_url", "/whip/" + key}};
}

// The one answer that carries a stream key (after create and rotate): only its hash is kept.
nlohmann::json publish_info(const AdminDeps& deps, const Broadcast& b, const std::string& key) {
  nlohmann::json j = broadcast_summary(b);
  j["stream_key"] = key;
  j.update(publish_urls(deps, key));
  return j;
}
}  // namespace

void handle_ingest_urls(const AdminDeps& deps, const HttpRequest& request, Respond respond) {
  if (!authorize_seller(deps.config.auth, request, respond, {})) return;
  respond(json_response(200, publish_urls(deps, "{key}")));
}

void handle_create_broadcast(const AdminDeps& deps, const HttpRequest& request, Respond respond) {
  if (!authorize_admin(deps.config.auth, request, respond)) return;
  BroadcastConfig config;
  std::string key;
  try {
    config = parse_broadcast(request.body, deps.config.commerce, &key);
  } catch (const ConfigError& e) {
    return respond(json_error(400, e.what()));
  }
  if (config.stream_key_sha256.empty()) {
    key = new_stream_key();
    config.stream_key_sha256 = sha256_hex(key);
  }
  const std::string id = config.id;
  // The same opening as the config file's broadcasts at start-up.
  deps.broadcasts.open(std::move(config), [deps, id, key, respond = std::move(respond)](Result<Broadcast*> opened) {
    if (!opened) {
      log("http")->warn("broadcast {} not created: {}", id, opened.error().message);
      return respond(json_error(opened.error()));
    }
    log("http")->info("broadcast {} created", id);
    // A key given as stream_key_sha256 is not known here: "" in the answer.
    respond(json_response(201, publish_info(deps, **opened, key)));
  });
}

void handle_end_broadcast(const AdminDeps& deps, const std::string& id, Respond respond) {
  if (auto ended = deps.broadcasts.end(id); !ended) return respond(json_error(ended.error()));
  respond(json_response(200, broadcast_summary(*deps.broadcasts.find(id))));
}

void handle_rotate_key(const AdminDeps& deps, const std::string& id, Respond respond) {
  const std::string key = new_stream_key();
  if (auto set = deps.broadcasts.set_stream_key(id, sha256_hex(key)); !set) return respond(json_error(set.error()));
  log("http")->info("broadcast {}: stream key rotated", id);
  respond(json_response(200, publish_info(deps, *deps.broadcasts.find(id), key)));
}

void handle_issue_token(const AdminDeps& deps, const ApiCaller& caller, const std::string& id,
                        const HttpRequest& request, Respond respond) {
  if (!deps.broadcasts.contains(id)) return respond(json_error(404, "no broadcast with id '" + id + "'"));
  const AuthConfig& auth = deps.config.auth;
  if (auth.jwt_secret.empty()) return respond(json_error(503, "tokens are off: set auth.jwt_secret"));
  const auto parsed = nlohmann::json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
  JsonFields body(parsed);
  TokenClaims claims;
  claims.room = id;
  claims.role = body.string("role").value_or("moderator");
  claims.name = body.string("name").value_or("");
  claims.user = body.string("user").value_or("");
  const auto ttl = body.integer("ttl_seconds", 60, auth.token_ttl_seconds).value_or(auth.token_ttl_seconds);
  if (!body.ok()) return respond(json_field_error(body));
  // A token mints only roles below its own (admin > seller > moderator > viewer): a seller
  // cannot renew itself forever or make another seller; admins come from `livegate token` only.
  const auto role = role_of(claims.role);
  if (!role || *role == Role::admin) {
    return respond(json_error(400, "role must be viewer, moderator or seller"));
  }
  if (*role >= caller.role) {
    return respond(json_error(403, "a " + std::string(role_name(caller.role)) + " can only issue tokens for roles "
                                   "below its own"));
  }
  claims.name = clean_people_text(claims.name);
  if (auto problem = display_name_problem(claims.name, 64)) return respond(json_error(400, "name " + *problem));
  if (claims.user.size() > 64 || std::any_of(claims.user.begin(), claims.user.end(),
                                             [](char c) { return c <= 32 || c >= 127; })) {
    return respond(json_error(400, "user must be up to 64 printable ASCII characters"));
  }
  // Staff ids are never guest ids ("g-..."): a guest cannot be made a moderator by naming it,
  // nor a staff member pass for a guest.
  if (chat::is_guest_id(claims.user)) return respond(json_error(400, "user ids starting with 'g-' are guests' ids"));
  if (claims.user.empty()) claims.user = claims.role.substr(0, 1) + "-" + new_stream_key().substr(0, 12);
  claims.expires_at = unix_seconds() + ttl;
  std::string token = issue_token(auth.jwt_secret, claims);
  if (token.empty()) return respond(json_error(500, "could not sign the token"));
  log("http")->info("broadcast {}: {} token issued for {} ({}) by {}", id, claims.role, claims.user, claims.name,
                    caller.user);
  respond(json_response(201, nlohmann::json{{"token", token},
                                            {"user", claims.user},
                                            {"name", claims.name},
                                            {"role", claims.role},
                                            {"room", id},
                                            {"expires_at", claims.expires_at}}));
}

}  // namespace livegate::server
