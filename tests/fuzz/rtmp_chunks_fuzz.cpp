// The RTMP chunk stream after the handshake: bytes in any split. The first input byte picks
// the split size so the fuzzer explores partial chunks as well as whole ones.

#include <algorithm>

#include "fuzz_input.h"
#include "rtmp/chunk_stream.h"

using namespace livegate::streaming::rtmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t step = 1 + data[0] % 64;
  auto bytes = livegate::fuzz::as_text(data + 1, size - 1);
  // Small limits so the fuzzer reaches them in short inputs.
  ChunkReader reader(ChunkLimits{.max_message_bytes = 4096, .max_chunk_size = 1024, .max_chunk_streams = 8});
  std::vector<Message> out;
  for (size_t pos = 0; pos < bytes.size(); pos += step) {
    if (!reader.feed(bytes.substr(pos, std::min(step, bytes.size() - pos)), out)) break;
    out.clear();
  }
  return 0;
}
