// A whole RTMP publisher connection without sockets: handshake, chunk stream, AMF0 commands
// (connect, createStream, publish) and media, as bytes from a hostile peer. The seeds are a
// capture of ffmpeg publishing, so mutations reach past the handshake.

#include <algorithm>

#include "fuzz_input.h"
#include "rtmp/session.h"

using namespace livegate::streaming;
using namespace livegate::streaming::rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Session session(SessionLimits{},
                  Session::Callbacks{
                      .on_publish = [](const std::string& key) {
                        return key.empty() ? std::string("no key") : std::string();
                      },
                      .on_media = [](FlvTag&& tag) { (void)unsupported_codec(tag); },
                      .on_unpublish = [] {}});
  std::string out;
  // Feed in the sizes a TCP read would give, so state carries across calls.
  const size_t step = 1000;
  auto bytes = livegate::fuzz::as_text(data, size);
  for (size_t pos = 0; pos < bytes.size(); pos += step) {
    if (!session.feed(bytes.substr(pos, std::min(step, bytes.size() - pos)), out)) break;
    out.clear();
  }
  session.end("fuzz input ended");
  return 0;
}
