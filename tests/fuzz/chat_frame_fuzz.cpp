// WebSocket text frames from viewers: parse_client_message must answer every byte string with a
// message or a ProtocolError, and the error frame it leads to must be valid JSON.

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "fuzz_input.h"
#include "livegate/chat/protocol.h"

using namespace livegate::chat;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ProtocolLimits limits;
  auto result = parse_client_message(livegate::fuzz::as_text(data, size), limits);
  if (auto* message = std::get_if<ClientMessage>(&result)) {
    (void)needs_moderator(*message);
  } else {
    // The error goes back to the viewer: it must serialize whatever bytes caused it.
    const auto frame = nlohmann::json::parse(error_frame(std::get<ProtocolError>(result)));
    if (!frame.is_object()) std::abort();
  }
  return 0;
}
