// REST body of POST /api/broadcasts (JSON only): parse_broadcast either returns a broadcast
// or throws ConfigError. Any other exception escaping is a bug: the handler's request would get a
// 500 from the exception boundary instead of a 400 that names the field.

#include "fuzz_input.h"
#include "livegate/server/http_server.h"
#include "livegate/server/broadcast/broadcast_registry.h"
#include "livegate/server/config.h"

using namespace livegate::server;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const CommerceConfig commerce;
  try {
    const Broadcast b(parse_broadcast(std::string(livegate::fuzz::as_text(data, size)), commerce));
    // The answer, the broadcast list and every viewer's welcome carry this summary.
    (void)broadcast_summary(b).dump();
  } catch (const ConfigError& e) {
    (void)json_error(400, e.what());  // what the handler answers
  }
  return 0;
}
