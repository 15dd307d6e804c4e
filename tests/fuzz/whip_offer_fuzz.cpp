// A WHIP publisher's SDP offer (POST /whip/{key} body): read_whip_offer answers a codec choice
// or a reason, never crashes; a choice must point at the offer's m-lines.

#include <cstdlib>

#include "fuzz_input.h"
#include "livegate/streaming/whip_offer.h"

using namespace livegate::streaming;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  auto offer = read_whip_offer(livegate::fuzz::as_text(data, size), &error);
  if (!offer) return 0;
  if (offer->video.rtp_caps.empty()) std::abort();
  if (offer->audio && offer->audio->mline == offer->video.mline) std::abort();
  return 0;
}
