#pragma once
// The word filter from config: listed words in chat lines and questions are replaced by '*'
// (one per character), case-insensitively for ASCII letters. A word made of ASCII letters and
// digits only matches as a whole word ("ass" does not touch "class"); any other entry (Chinese,
// phrases with punctuation) matches wherever it appears, since Chinese has no spaces to bound
// words.

#include <string>
#include <string_view>
#include <vector>

namespace livegate::chat {

class WordFilter {
 public:
  explicit WordFilter(std::vector<std::string> words = {});

  bool empty() const { return words_.empty(); }
  // The text with every listed word masked; the same text when nothing matched.
  std::string mask(std::string_view text) const;

 private:
  struct Word {
    std::string lower;  // ASCII-lowercased
    bool whole_word;
    size_t chars;  // code points, for the number of '*'
  };
  std::vector<Word> words_;
};

}  // namespace livegate::chat
