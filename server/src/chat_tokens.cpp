#include "livegate/server/chat_tokens.h"

#include <jwt.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "livegate/chat/chat_store.h"
#include "livegate/common/people_text.h"

namespace livegate::server {

namespace {

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

std::string grant(jwt_t* j, const char* name) {
  const char* v = jwt_get_grant(j, name);
  return v ? v : "";
}

const unsigned char* key_bytes(const std::string& secret) {
  return reinterpret_cast<const unsigned char*>(secret.data());
}

}  // namespace

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool valid_role(const std::string& role) { return role_of(role).has_value(); }

std::optional<Role> role_of(std::string_view name) {
  for (Role r : {Role::viewer, Role::moderator, Role::seller, Role::admin}) {
    if (role_name(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::viewer: return "viewer";
    case Role::moderator: return "moderator";
    case Role::seller: return "seller";
    case Role::admin: return "admin";
  }
  return "viewer";
}

std::string issue_token(const std::string& secret, const TokenClaims& claims) {
  if (secret.empty()) return {};
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return {};
  JwtPtr j(raw);
  if (jwt_add_grant(raw, "sub", claims.user.c_str()) || jwt_add_grant(raw, "name", claims.name.c_str()) ||
      jwt_add_grant(raw, "role", claims.role.c_str()) ||
      (!claims.room.empty() && jwt_add_grant(raw, "room", claims.room.c_str())) ||
      jwt_add_grant_int(raw, "exp", static_cast<long>(claims.expires_at)) ||
      jwt_set_alg(raw, JWT_ALG_HS256, key_bytes(secret), static_cast<int>(secret.size()))) {
    return {};
  }
  char* encoded = jwt_encode_str(raw);
  if (!encoded) return {};
  std::string token(encoded);
  free(encoded);  // libjwt 1.10 allocates with malloc (no jwt_free_str yet)
  return token;
}

std::optional<TokenClaims> decode_token(const std::string& secret, const std::string& token, int64_t now,
                                        std::string* why) {
  auto fail = [why](std::string_view reason) -> std::optional<TokenClaims> {
    if (why) *why = std::string(reason);
    return std::nullopt;
  };
  if (secret.empty()) return fail("this server does not accept tokens");
  jwt_t* raw = nullptr;
  // With a key, jwt_decode checks the signature; the algorithm is checked below so that a token
  // claiming "none" or another algorithm is refused rather than trusted.
  if (jwt_decode(&raw, token.c_str(), key_bytes(secret), static_cast<int>(secret.size())) != 0 || !raw) {
    return fail("the token is not valid (bad format or signature)");
  }
  JwtPtr j(raw);
  if (jwt_get_alg(raw) != JWT_ALG_HS256) return fail("the token must be signed with HS256");
  TokenClaims c;
  c.user = grant(raw, "sub");
  c.name = grant(raw, "name");
  c.role = grant(raw, "role");
  c.room = grant(raw, "room");
  c.expires_at = jwt_get_grant_int(raw, "exp");
  if (c.user.empty() || c.user.size() > 128) return fail("the token has no usable subject");
  if (chat::is_guest_id(c.user)) return fail("the token's subject is a guest id (g-...), which tokens may not take");
  if (c.role.empty()) c.role = "viewer";
  // A site's own tokens carry names too: the same rules as a name typed in the chat.
  c.name = clean_people_text(c.name);
  if (!c.name.empty()) {
    if (auto problem = display_name_problem(c.name, 64)) return fail("the token's name " + *problem);
  }
  if (!valid_role(c.role)) return fail("the token's role is not viewer, moderator, seller or admin");
  if (c.expires_at <= 0) return fail("the token has no expiry");
  if (c.expires_at <= now) return fail("the token has expired");
  return c;
}

std::optional<TokenClaims> verify_token(const std::string& secret, const std::string& token,
                                        const std::string& room, int64_t now, std::string* why) {
  auto c = decode_token(secret, token, now, why);
  if (c && !c->room.empty() && c->room != room) {
    if (why) *why = "the token is for another broadcast";
    return std::nullopt;
  }
  return c;
}

}  // namespace livegate::server
