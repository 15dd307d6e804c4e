// livegate: parse the command line, load the config, hand over to the composition root.

#include <cstdio>

#include "livegate/server/app.h"
#include "livegate/server/cli.h"
#include "livegate/server/config.h"
#include "livegate/server/token_command.h"

int main(int argc, char** argv) {
  int exit_code = 0;
  auto options = livegate::server::parse_cli(argc, argv, exit_code);
  if (!options) return exit_code;
  livegate::server::Config config;
  try {
    config = livegate::server::load_config_file(options->config_path);
  } catch (const livegate::server::ConfigError& e) {
    std::fprintf(stderr, "livegate: config error: %s\n", e.what());
    return 2;
  }
  if (options->token) {
    std::string error;
    const std::string token = livegate::server::make_cli_token(config, *options->token, &error);
    if (token.empty()) {
      std::fprintf(stderr, "livegate token: %s\n", error.c_str());
      return 2;
    }
    std::printf("%s\n", token.c_str());
    return 0;
  }
  if (options->check_only) {
    std::printf("%s: OK (%zu broadcasts)\n", options->config_path.c_str(), config.broadcasts.size());
    return 0;
  }
  return livegate::server::run_app(config);
}
