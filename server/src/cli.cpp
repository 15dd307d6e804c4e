#include "livegate/server/cli.h"

#include <CLI/CLI.hpp>

namespace livegate::server {

std::optional<CliOptions> parse_cli(int argc, char** argv, int& exit_code) {
  CliOptions options;
  CLI::App app{"livegate: live-stream commerce broadcast server (HLS video, chat, buy-now)"};
  app.add_option("-c,--config", options.config_path, "YAML config file")
      ->capture_default_str();
  app.add_flag("--check-config", options.check_only, "Validate the config file and exit");
  app.set_version_flag("--version", "livegate 0.1.0");
  TokenCommand token;
  CLI::App* token_cmd = app.add_subcommand(
      "token", "Print a JWT signed with the config's auth.jwt_secret (chat roles, REST for seller/admin)");
  token_cmd->fallthrough();  // `livegate token --config x.yaml ...` reads the app's --config
  token_cmd->add_option("--role", token.role, "viewer, moderator, seller or admin")
      ->check(CLI::IsMember(std::vector<std::string>{"viewer", "moderator", "seller", "admin"}))
      ->capture_default_str();
  token_cmd->add_option("--room", token.room, "Broadcast id the token is for (default: every broadcast)");
  token_cmd->add_option("--name", token.name, "Name shown in chat")->required();
  token_cmd->add_option("--user", token.user, "User id (sub); default: generated");
  token_cmd->add_option("--ttl", token.ttl_seconds, "Lifetime in seconds")
      ->check(CLI::Range(60, 365 * 24 * 3600))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  if (token_cmd->parsed()) options.token = token;
  return options;
}

}  // namespace livegate::server
