#pragma once
// At most so many log lines a minute for one kind of event; the rest are counted, and the next
// line that passes says how many were held back. A flood of bad requests or a bug in a timer
// then costs a few lines, not the disk. Not thread-safe: guard it where threads share one.

#include <chrono>
#include <cstdint>

namespace livegate {

class LogBudget {
 public:
  explicit LogBudget(int per_minute) : per_minute_(per_minute) {}

  // True when this line may be logged; then *held_back is how many were not since the last.
  bool take(uint64_t* held_back) {
    const auto now = std::chrono::steady_clock::now();
    if (now - window_start_ >= std::chrono::minutes(1)) {
      window_start_ = now;
      logged_ = 0;
    }
    if (logged_ >= per_minute_) {
      ++held_back_;
      return false;
    }
    ++logged_;
    *held_back = held_back_;
    held_back_ = 0;
    return true;
  }

 private:
  int per_minute_;
  std::chrono::steady_clock::time_point window_start_{};
  int logged_ = 0;
  uint64_t held_back_ = 0;
};

}  // namespace livegate
