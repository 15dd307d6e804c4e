#include "livegate/common/people_text.h"

#include <glib.h>

#include <algorithm>
#include <array>

namespace livegate {

namespace {

// Letters and marks that draw nothing: the usual stuff of invisible names.
constexpr std::array<gunichar, 9> kBlankCharacters = {
    0x115F, 0x1160, 0x3164, 0xFFA0,  // Hangul fillers
    0x2800,                          // Braille pattern blank
    0x034F,                          // combining grapheme joiner
    0x17B4, 0x17B5,                  // Khmer inherent vowels
    0x180E};                         // Mongolian vowel separator

bool is_bidi_control(gunichar c) { return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069); }

bool is_invisible(gunichar c) {
  if (g_unichar_isspace(c)) return true;
  switch (g_unichar_type(c)) {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SPACE_SEPARATOR:
      return true;
    default:
      break;
  }
  if (c >= 0xFE00 && c <= 0xFE0F) return true;  // variation selectors, alone
  return std::find(kBlankCharacters.begin(), kBlankCharacters.end(), c) != kBlankCharacters.end();
}

bool valid_utf8(std::string_view s) { return g_utf8_validate_len(s.data(), s.size(), nullptr); }

// Calls fn(code point, byte offset, byte length) for each character of valid UTF-8.
template <typename F>
void each_char(std::string_view s, F&& fn) {
  const char* p = s.data();
  const char* end = s.data() + s.size();
  while (p < end) {
    const char* next = g_utf8_next_char(p);
    fn(g_utf8_get_char(p), static_cast<size_t>(p - s.data()), static_cast<size_t>(next - p));
    p = next;
  }
}

}  // namespace

std::optional<std::string> people_text_problem(std::string_view utf8) {
  if (!valid_utf8(utf8)) return "is not valid UTF-8";
  std::optional<std::string> problem;
  each_char(utf8, [&](gunichar c, size_t, size_t) {
    if (problem) return;
    const auto type = g_unichar_type(c);
    if (type == G_UNICODE_CONTROL) {
      problem = "has a control character";
    } else if (is_bidi_control(c)) {
      problem = "has a bidi override or isolate (U+202A-202E, U+2066-2069)";
    } else if (type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR) {
      problem = "has a line separator";
    } else if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) {
      problem = "has a noncharacter";
    }
  });
  return problem;
}

std::string nfc(std::string_view utf8) {
  if (!valid_utf8(utf8)) return std::string(utf8);
  gchar* normal = g_utf8_normalize(utf8.data(), static_cast<gssize>(utf8.size()), G_NORMALIZE_NFC);
  if (!normal) return std::string(utf8);
  std::string out(normal);
  g_free(normal);
  return out;
}

bool has_visible_character(std::string_view utf8) {
  if (!valid_utf8(utf8)) return false;
  bool visible = false;
  each_char(utf8, [&](gunichar c, size_t, size_t) { visible = visible || !is_invisible(c); });
  return visible;
}

std::string trim_people_text(std::string_view utf8) {
  if (!valid_utf8(utf8)) return std::string(utf8);
  size_t first = utf8.size();
  size_t last_end = 0;
  each_char(utf8, [&](gunichar c, size_t at, size_t len) {
    // White space and harmless invisibles go; a control or bidi character stays, to be refused.
    const bool harmful = (g_unichar_type(c) == G_UNICODE_CONTROL && !g_unichar_isspace(c)) || is_bidi_control(c);
    if (is_invisible(c) && !harmful) return;
    first = std::min(first, at);
    last_end = at + len;
  });
  if (first >= last_end) return {};
  return std::string(utf8.substr(first, last_end - first));
}

std::optional<std::string> display_name_problem(std::string_view name, size_t max_chars) {
  if (auto problem = people_text_problem(name)) return problem;
  if (!has_visible_character(name)) return "is empty or invisible";
  const auto chars = static_cast<size_t>(g_utf8_strlen(name.data(), static_cast<gssize>(name.size())));
  if (chars > max_chars) return "is longer than " + std::to_string(max_chars) + " characters";
  return std::nullopt;
}

std::string clean_people_text(std::string_view utf8) { return nfc(trim_people_text(utf8)); }

std::string first_chars(std::string_view utf8, size_t max_chars) {
  if (!valid_utf8(utf8)) return {};
  size_t chars = 0;
  size_t end = 0;
  each_char(utf8, [&](gunichar, size_t at, size_t len) {
    if (chars++ < max_chars) end = at + len;
  });
  return std::string(utf8.substr(0, end));
}

}  // namespace livegate
