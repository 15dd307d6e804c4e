#pragma once
// Secrets that are checked but never shown again (stream keys): only their SHA-256 is kept, and
// comparisons take the same time wherever two values differ. One definition for every ingest
// (RTMP, SRT, WHIP), the config loader and the REST API.

#include <glib.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace livegate {

// Lowercase hex SHA-256 of the bytes (64 characters).
inline std::string sha256_hex(std::string_view bytes) {
  gchar* digest = g_compute_checksum_for_data(G_CHECKSUM_SHA256, reinterpret_cast<const guchar*>(bytes.data()),
                                              bytes.size());
  std::string hex(digest);
  g_free(digest);
  return hex;
}

// 64 lowercase hex digits, as sha256_hex() writes them.
inline bool valid_sha256_hex(std::string_view hex) {
  return hex.size() == 64 &&
         std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Compares secrets in time independent of where they differ (only the lengths may leak, and
// digests all have one length).
inline bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

}  // namespace livegate
