#pragma once
// The seller's REST API for broadcasts: create one (with a fresh stream key), end it, rotate its
// key. Every call needs "Authorization: Bearer <credential>": the operator's auth.seller_token
// or a JWT signed with auth.jwt_secret (chat_tokens.h) with role admin (everything) or seller
// (the broadcast its room claim names, or any when it has none; not create). Roles rank admin >
// seller > moderator > viewer, and a token mints only roles below its own.
//   POST /api/broadcasts            body: a broadcast as in the config file, in JSON
//   POST /api/broadcasts/{id}/end
//   POST /api/broadcasts/{id}/key   (answers the new key; the old one stops working)
//   POST /api/broadcasts/{id}/tokens  body {"role":"moderator","name":"Mia","user":"optional id",
//                                      "ttl_seconds":3600} → a chat token for that role
// And one call without the token, for demos only:
//   POST /api/demo-login            → {"token": "<seller JWT for the demo broadcast>", "role",
//                                      "room", "expires_at"} when auth.demo_login names one

#include <functional>

#include "livegate/server/broadcast/broadcast_registry.h"
#include "livegate/server/chat_tokens.h"
#include "livegate/server/config.h"
#include "livegate/server/http_server.h"

namespace livegate::server {

struct AdminDeps {
  // Creating, ending and re-keying go through it; its listener opens the room, shop and webhooks.
  BroadcastRegistry& broadcasts;
  const Config& config;
  std::function<int()> rtmp_port;  // for the publish URLs in answers
  std::function<int()> srt_port;
};

// Who called the seller API: the operator's seller token counts as an admin.
struct ApiCaller {
  Role role = Role::viewer;
  std::string room;  // the token's room claim ("" = every room)
  std::string user;  // the token's subject ("operator" for the seller token)
};

// Nullopt (after answering a JSON 401/403) unless the request carries the seller token, an admin
// JWT, or a seller JWT whose room claim is `room` or absent. An empty `room` (a call about no
// broadcast in particular) accepts any seller JWT. 401: no credential, or a JWT that is bad,
// expired or signed with another secret; 403: a wrong seller token, a token for another room,
// or a role that may not.
std::optional<ApiCaller> authorize_seller(const AuthConfig& auth, const HttpRequest& request, Respond& respond,
                                          std::string_view room);
// The same, for calls about every broadcast (create one): the seller token or an admin JWT.
std::optional<ApiCaller> authorize_admin(const AuthConfig& auth, const HttpRequest& request, Respond& respond);

void handle_create_broadcast(const AdminDeps& deps, const HttpRequest& request, Respond respond);
void handle_end_broadcast(const AdminDeps& deps, const std::string& id, Respond respond);
void handle_rotate_key(const AdminDeps& deps, const std::string& id, Respond respond);
// Mints roles below the caller's own only (a seller: moderator or viewer tokens).
void handle_issue_token(const AdminDeps& deps, const ApiCaller& caller, const std::string& id,
                        const HttpRequest& request, Respond respond);

// The studio's "Demo login": a seller JWT for the demo broadcast (auth.demo_login), valid for
// auth.demo_login_ttl_seconds; never the operator's seller token. 404 when demo login is off,
// so a real server does not even say the endpoint exists.
void handle_demo_login(const AdminDeps& deps, Respond respond);
// GET /api/ingest (seller): the publish URLs with "{key}" where a stream key goes, so a studio
// can show them for broadcasts whose key it did not create.
void handle_ingest_urls(const AdminDeps& deps, const HttpRequest& request, Respond respond);

// 24 characters of [A-Za-z0-9] from the system's CSPRNG.
std::string new_stream_key();

}  // namespace livegate::server
