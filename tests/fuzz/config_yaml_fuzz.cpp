// The config file: load_config_text throws ConfigError on a bad config. YAML exceptions are
// tolerated here (a syntax error in the operator's own file), anything else is a bug.
// Relative file names (products_file) resolve in a directory that does not exist, so the
// target never reads the machine's files.

#include <yaml-cpp/exceptions.h>

#include "fuzz_input.h"
#include "livegate/server/config.h"

using namespace livegate::server;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(livegate::fuzz::as_text(data, size));
  // An absolute products_file could name /dev/zero or a FIFO and hang the run: not input an
  // attacker controls (the operator writes the config), so skip such inputs.
  if (text.find("/dev/") != std::string::npos || text.find("/proc/") != std::string::npos) return 0;
  try {
    (void)load_config_text(text, "/nonexistent-livegate-fuzz");
  } catch (const ConfigError&) {
  } catch (const YAML::Exception&) {
  }
  return 0;
}
