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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  return options;
}

}  // namespace livegate::server
