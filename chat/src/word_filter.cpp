#include "livegate/chat/word_filter.h"

#include <algorithm>

#include "livegate/chat/utf8.h"

namespace livegate::chat {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

WordFilter::WordFilter(std::vector<std::string> words) {
  for (auto& w : words) {
    if (w.empty()) continue;
    const bool whole = std::all_of(w.begin(), w.end(), is_word_char);
    words_.push_back({ascii_lower(w), whole, utf8_length(w).value_or(w.size())});
  }
  // Longest first, so "bad word" is masked whole before "bad" could split it.
  std::sort(words_.begin(), words_.end(),
            [](const Word& a, const Word& b) { return a.lower.size() > b.lower.size(); });
}

std::string WordFilter::mask(std::string_view text) const {
  if (words_.empty()) return std::string(text);
  std::string lowered = ascii_lower(text);
  std::string out(text);
  for (const auto& w : words_) {
    for (size_t at = lowered.find(w.lower); at != std::string::npos;
         at = lowered.find(w.lower, at + 1)) {
      const size_t end = at + w.lower.size();
      if (w.whole_word && ((at > 0 && is_word_char(lowered[at - 1])) ||
                           (end < lowered.size() && is_word_char(lowered[end])))) {
        continue;
      }
      // Replace the match by as many '*' as it has characters. Positions shift when a multi-byte
      // word becomes fewer bytes, so rebuild both strings and continue after the stars.
      const std::string stars(w.chars, '*');
      out.replace(at, w.lower.size(), stars);
      lowered.replace(at, w.lower.size(), stars);
    }
  }
  return out;
}

}  // namespace livegate::chat
