#pragma once
// Signed tokens that tell the chat who a viewer is and what they may do: HS256 JWTs (libjwt)
// with sub (user id), name, role (viewer | moderator | seller | admin), room (the broadcast the token
// is for; empty = any) and exp. The seller gets them from POST /api/broadcasts/{id}/tokens and
// hands them to moderators; a site with its own login can mint the same tokens with the secret.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace livegate::server {

struct TokenClaims {
  std::string user;  // sub
  std::string name;
  std::string role = "viewer";
  std::string room;  // empty: valid in every room
  int64_t expires_at = 0;  // exp, seconds since the epoch
};

// A signed token for the claims; empty when the secret is empty or signing failed.
std::string issue_token(const std::string& secret, const TokenClaims& claims);

// The claims of a token signed with this secret (HS256 only), unexpired at `now` (seconds) and
// valid for `room`; otherwise nullopt with a reason for people in *why.
std::optional<TokenClaims> verify_token(const std::string& secret, const std::string& token,
                                        const std::string& room, int64_t now, std::string* why);

// The same checks without a room: for the REST API, which decides per route what the room
// claim allows (authorize_seller).
std::optional<TokenClaims> decode_token(const std::string& secret, const std::string& token, int64_t now,
                                        std::string* why);

// viewer | moderator | seller | admin. Admins run the whole node (every room, REST included).
bool valid_role(const std::string& role);

// The roles in rank order: a token may mint only roles below its own.
enum class Role { viewer, moderator, seller, admin };
std::optional<Role> role_of(std::string_view name);
std::string_view role_name(Role role);

// Seconds since the epoch, for exp.
int64_t unix_seconds();

}  // namespace livegate::server
