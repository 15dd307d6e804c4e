#pragma once
// Maps URL paths to files under a root without ever leaving it, and names their MIME types.

#include <optional>
#include <string>
#include <string_view>

namespace livegate::server {

// The MIME type for a file name by extension ("application/octet-stream" when unknown).
std::string mime_type(std::string_view filename);

// root + relative, when relative is a clean path (no "..", no hidden segments, no empty or
// absolute parts) naming a regular file that exists; nullopt otherwise.
std::optional<std::string> resolve_file(const std::string& root, std::string_view relative);

bool is_regular_file(const std::string& path);

// Cache-Control value for a file: playlists change every segment, so never cached; segments
// never change once listed; pages and scripts are revalidated.
std::string cache_control_for(std::string_view filename);

}  // namespace livegate::server
