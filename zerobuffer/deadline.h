// A point on the monotonic clock that blocking calls wait towards.

#ifndef ZEROBUFFER_ZEROBUFFER_DEADLINE_H_
#define ZEROBUFFER_ZEROBUFFER_DEADLINE_H_

#include <algorithm>
#include <chrono>

#include "absl/time/time.h"

namespace zerobuffer {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  // Timeouts too long for the clock (milliseconds::max() and the like) mean
  // "never".
  static Deadline After(std::chrono::nanoseconds timeout) {
    const Clock::time_point now = Clock::now();
    if (timeout >= Clock::time_point::max() - now) {
      return Deadline(Clock::time_point::max());
    }
    return Deadline(now + std::max(timeout, std::chrono::nanoseconds(0)));
  }

  bool Expired() const { return Clock::now() >= when_; }

  // Time left, capped at `cap`; never negative.
  absl::Duration RemainingAtMost(std::chrono::nanoseconds cap) const {
    const std::chrono::nanoseconds left = when_ - Clock::now();
    return absl::FromChrono(std::clamp(left, std::chrono::nanoseconds(0), cap));
  }

 private:
  explicit Deadline(Clock::time_point when) : when_(when) {}

  Clock::time_point when_;
};

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_DEADLINE_H_
