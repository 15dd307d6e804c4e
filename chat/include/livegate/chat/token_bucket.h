#pragma once
// A token bucket: `burst` actions at once, then `per_second` on average. Used for a user's chat
// lines and a connection's frames. Time is passed in so the rules are unit-tested exactly.

#include <algorithm>
#include <chrono>

namespace livegate::chat {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double per_second, double burst, Clock::time_point now = Clock::now())
      : per_second_(per_second), burst_(burst), tokens_(burst), last_(now) {}

  // Takes one token when there is one. per_second <= 0 means "no limit".
  bool take(Clock::time_point now = Clock::now()) {
    if (per_second_ <= 0) return true;
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // How long until take() can succeed (0 when it can now).
  std::chrono::milliseconds wait(Clock::time_point now = Clock::now()) {
    if (per_second_ <= 0) return std::chrono::milliseconds(0);
    refill(now);
    if (tokens_ >= 1.0) return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(static_cast<long long>((1.0 - tokens_) / per_second_ * 1000.0) + 1);
  }

 private:
  void refill(Clock::time_point now) {
    const double seconds = std::chrono::duration<double>(now - last_).count();
    if (seconds > 0) {
      tokens_ = std::min(burst_, tokens_ + seconds * per_second_);
      last_ = now;
    }
  }

  double per_second_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace livegate::chat
