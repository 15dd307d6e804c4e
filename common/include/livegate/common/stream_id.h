#pragma once
// Redis Stream ids ("<ms>-<seq>"): parsing and ordering, for chat history and resume.

#include <cstdint>
#include <optional>
#include <string_view>

namespace livegate {

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;
  auto operator<=>(const StreamId&) const = default;
};

// Accepts exactly "<digits>-<digits>" (no spaces, no "*", no bare ms).
std::optional<StreamId> parse_stream_id(std::string_view text);

}  // namespace livegate
