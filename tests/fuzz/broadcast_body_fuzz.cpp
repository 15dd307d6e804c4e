// REST body of POST /api/broadcasts (YAML or JSON): parse_broadcast either returns a broadcast
// or throws ConfigError. Any other exception escaping is a bug (the handler would answer 500).

#include "fuzz_input.h"
#include "livegate/server/http_server.h"
#include "livegate/server/config.h"

using namespace livegate::server;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const CommerceConfig commerce;
  try {
    (void)parse_broadcast(std::string(livegate::fuzz::as_text(data, size)), commerce);
  } catch (const ConfigError& e) {
    (void)json_error(400, e.what());  // what the handler answers
  }
  return 0;
}
