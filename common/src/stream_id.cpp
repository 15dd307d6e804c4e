#include "livegate/common/stream_id.h"

#include <charconv>

namespace livegate {

std::optional<StreamId> parse_stream_id(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size()) return std::nullopt;
  StreamId id;
  auto parse = [](std::string_view part, uint64_t& out) {
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc{} && ptr == part.data() + part.size();
  };
  if (!parse(text.substr(0, dash), id.ms) || !parse(text.substr(dash + 1), id.seq)) {
    return std::nullopt;
  }
  return id;
}

std::string to_string(const StreamId& id) { return std::to_string(id.ms) + "-" + std::to_string(id.seq); }

}  // namespace livegate
