#pragma once
// `livegate token`: prints a signed token for the command line's claims (cli.h), so an operator
// can hand out admin or seller credentials without running the server.

#include <string>

#include "livegate/server/cli.h"
#include "livegate/server/config.h"

namespace livegate::server {

// The token, or empty with *error set (no jwt_secret in the config, bad room, name or user).
std::string make_cli_token(const Config& config, const TokenCommand& command, std::string* error);

}  // namespace livegate::server
