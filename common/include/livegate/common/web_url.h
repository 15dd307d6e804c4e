#pragma once
// URLs that pages put in an <img src>: product images, speaker photos. One definition for the
// config file, the REST API and imports.

#include <algorithm>
#include <string_view>

namespace livegate {

// Empty (no image), http(s), or a path on this site. No javascript: or data: URLs, no
// protocol-relative "//host", nothing that could break out of an attribute.
inline bool valid_image_url(std::string_view url) {
  if (url.empty()) return true;
  if (url.size() > 2048) return false;
  if (std::any_of(url.begin(), url.end(), [](char c) { return c <= 32 || c == '"' || c == '\\'; })) {
    return false;
  }
  return url.starts_with("https://") || url.starts_with("http://") ||
         (url.starts_with("/") && !url.starts_with("//"));
}

}  // namespace livegate
