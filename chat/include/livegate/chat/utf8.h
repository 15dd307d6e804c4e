#pragma once
#include <optional>
#include <string_view>

namespace livegate::chat {

// Number of code points in valid UTF-8, or nullopt when the bytes are not valid UTF-8.
std::optional<size_t> utf8_length(std::string_view text);

}  // namespace livegate::chat
