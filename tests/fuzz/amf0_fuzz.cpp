// AMF0 command payloads from an RTMP publisher. What decodes must encode again to bytes that
// decode to the same values (a round trip, so the encoder is fuzzed too).

#include <cstdlib>

#include "fuzz_input.h"
#include "rtmp/amf0.h"

using namespace livegate::streaming::rtmp;

namespace {
std::string encode(const std::vector<Amf0Value>& values) {
  std::string out;
  for (const auto& v : values) amf0_encode(v, out);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto values = amf0_decode_all(livegate::fuzz::as_text(data, size));
  if (!values) return 0;
  const std::string once = encode(*values);
  auto again = amf0_decode_all(once);
  if (!again || encode(*again) != once) std::abort();
  return 0;
}
