#pragma once
// RFC 9110/9112's character classes, shared by the request head and body readers.

#include <cctype>
#include <string_view>

namespace livegate::server::http_syntax {

// tchar: the characters of a token (a method, a field name).
inline bool is_tchar(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// A field value's bytes: VCHAR, obs-text, SP and HTAB; no controls.
inline bool is_field_byte(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

// 0-15, or -1 when c is not a hex digit.
inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace livegate::server::http_syntax
