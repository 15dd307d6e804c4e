#include "livegate/server/token_command.h"

#include <algorithm>

#include "livegate/server/broadcast_admin.h"
#include "livegate/server/chat_tokens.h"

namespace livegate::server {

std::string make_cli_token(const Config& config, const TokenCommand& command, std::string* error) {
  const auto fail = [error](std::string why) {
    *error = std::move(why);
    return std::string();
  };
  if (config.auth.jwt_secret.empty()) {
    return fail("the config has no auth.jwt_secret (32+ characters): tokens cannot be signed");
  }
  if (!valid_role(command.role)) return fail("--role must be viewer, moderator, seller or admin");
  if (command.room.size() > 64 || !std::all_of(command.room.begin(), command.room.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      })) {
    return fail("--room must be a broadcast id (a-z, 0-9, '-', '_')");
  }
  if (command.name.empty() || command.name.size() > 64) return fail("--name must be 1-64 bytes");
  if (command.user.size() > 64 || std::any_of(command.user.begin(), command.user.end(),
                                              [](char c) { return c <= 32 || c >= 127; })) {
    return fail("--user must be up to 64 printable ASCII characters");
  }
  TokenClaims claims;
  claims.role = command.role;
  claims.room = command.room;
  claims.name = command.name;
  // Staff ids are distinct from guest ids ("g-...") so a guest can never pose as one.
  claims.user = command.user.empty() ? command.role.substr(0, 1) + "-" + new_stream_key().substr(0, 12)
                                     : command.user;
  claims.expires_at = unix_seconds() + command.ttl_seconds;
  std::string token = issue_token(config.auth.jwt_secret, claims);
  if (token.empty()) return fail("could not sign the token");
  return token;
}

}  // namespace livegate::server
