#pragma once
// Text from people that other people read (chat lines, questions, display names), made the same
// for everyone who sees it and hard to spoof with:
//   - Unicode NFC, so "é" typed two ways is one name (GLib's g_utf8_normalize);
//   - no control characters (Cc: NUL, ESC, newlines...), no line or paragraph separators, and
//     none of the bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069) that turn
//     "Seller\u202Etset" into a fake "Sellertest" shown backwards;
//   - something visible: a name or line of only spaces, zero-width characters and blank
//     letters (Hangul fillers, Braille blank) is empty.
// Zero-width joiners stay (emoji sequences, Persian), and so do LRM/RLM marks (right-to-left
// text), inside text that has visible characters.

#include <optional>
#include <string>
#include <string_view>

namespace livegate {

// Why the text is refused ("has a control character", "is not UTF-8"...), or nullopt.
std::optional<std::string> people_text_problem(std::string_view utf8);

// The text in NFC; the input when it is not UTF-8 (callers refuse that first).
std::string nfc(std::string_view utf8);

// True when at least one character shows: not white space, not a format character (Cf), not a
// blank letter.
bool has_visible_character(std::string_view utf8);

// Trims Unicode white space and harmless invisible characters (zero-width, fillers) at both
// ends; control and bidi characters stay, so that people_text_problem still sees them.
std::string trim_people_text(std::string_view utf8);

// A display name, trimmed and in NFC (what clean_display_name makes), checked: why it is refused
// ("is empty", "has a control character", "is longer than 64 characters"), or nullopt.
std::optional<std::string> display_name_problem(std::string_view name, size_t max_chars);

// trim_people_text + nfc.
std::string clean_people_text(std::string_view utf8);

// The first max_chars characters (code points) of valid UTF-8.
std::string first_chars(std::string_view utf8, size_t max_chars);

}  // namespace livegate
