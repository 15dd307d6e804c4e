#include "livegate/server/static_files.h"

#include <sys/stat.h>

#include <array>
#include <utility>

namespace livegate::server {

namespace {
std::string_view extension(std::string_view filename) {
  auto dot = filename.rfind('.');
  auto slash = filename.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return filename.substr(dot + 1);
}
}  // namespace

std::string mime_type(std::string_view filename) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kTypes = {{
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"m3u8", "application/vnd.apple.mpegurl"},
      {"ts", "video/mp2t"},
      {"m4s", "video/iso.segment"},
      {"mp4", "video/mp4"},
      {"txt", "text/plain; charset=utf-8"},
  }};
  const auto ext = extension(filename);
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return std::string(type);
  }
  return "application/octet-stream";
}

std::optional<std::string> resolve_file(const std::string& root, std::string_view relative) {
  if (relative.empty() || relative.front() == '/' || relative.size() > 512) return std::nullopt;
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    std::string_view segment = relative.substr(start, end - start);
    // Empty, ".", ".." and dot-files are refused: no escaping the root, no .git or .env.
    if (segment.empty() || segment.front() == '.') return std::nullopt;
    for (char c : segment) {
      if (c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return std::nullopt;
    }
    start = end + 1;
  }
  std::string path = root + "/" + std::string(relative);
  if (!is_regular_file(path)) return std::nullopt;
  return path;
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string cache_control_for(std::string_view filename) {
  const auto ext = extension(filename);
  if (ext == "m3u8") return "no-cache, no-store";
  if (ext == "ts" || ext == "m4s") return "public, max-age=60";  // names restart with the pipeline: keep it short
  return "no-cache";
}

}  // namespace livegate::server
