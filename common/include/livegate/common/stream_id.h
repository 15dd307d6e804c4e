#pragma once
// Redis Stream ids ("<ms>-<seq>"): parsing, ordering and writing, for chat history and resume.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace livegate {

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;
  auto operator<=>(const StreamId&) const = default;
};

// Accepts exactly "<digits>-<digits>" (no spaces, no "*", no bare ms).
std::optional<StreamId> parse_stream_id(std::string_view text);
// "<ms>-<seq>", as Redis writes it (and parse_stream_id reads it back).
std::string to_string(const StreamId& id);

}  // namespace livegate
