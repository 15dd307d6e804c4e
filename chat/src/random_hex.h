#pragma once
// Random lowercase hex digits (GLib's generator): guest ids and names, a node's tag in local ids.

#include <glib.h>

#include <string>

namespace livegate::chat {

inline std::string random_hex(size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < digits; ++i) s += kHex[g_random_int_range(0, 16)];
  return s;
}

}  // namespace livegate::chat
