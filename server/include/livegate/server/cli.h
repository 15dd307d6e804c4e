#pragma once
#include <optional>
#include <string>

namespace livegate::server {

struct CliOptions {
  std::string config_path = "configs/livegate.yaml";
  bool check_only = false;  // validate the config and exit
};

// Parses argv; on --help, --version or an error it prints and sets exit_code, returning nullopt.
std::optional<CliOptions> parse_cli(int argc, char** argv, int& exit_code);

}  // namespace livegate::server
