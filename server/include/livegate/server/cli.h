#pragma once
#include <optional>
#include <string>

namespace livegate::server {

// `livegate token`: mint a JWT (chat_tokens.h) signed with the config's auth.jwt_secret, e.g. an
// admin token for a deployment script or a seller token for one broadcast's studio.
struct TokenCommand {
  std::string role = "seller";  // viewer | moderator | seller | admin
  std::string room;             // the broadcast it is for; empty: every broadcast
  std::string name;             // shown in chat
  std::string user;             // sub; empty: generated
  int ttl_seconds = 3600;
};

struct CliOptions {
  std::string config_path = "configs/livegate.yaml";
  bool check_only = false;  // validate the config and exit
  std::optional<TokenCommand> token;  // `livegate token ...`: print a token and exit
};

// Parses argv; on --help, --version or an error it prints and sets exit_code, returning nullopt.
std::optional<CliOptions> parse_cli(int argc, char** argv, int& exit_code);

}  // namespace livegate::server
