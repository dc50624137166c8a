// Waiting without blocking: polling a condition for a short while before a
// blocking wait, so that what happens meanwhile costs no kernel round trip.

#ifndef ZEROBUFFER_ZEROBUFFER_SPIN_H_
#define ZEROBUFFER_ZEROBUFFER_SPIN_H_

#include <chrono>

#include "zerobuffer/cpu_relax.h"
#include "zerobuffer/deadline.h"

namespace zerobuffer {

// Polls `condition` for up to `spin` (never past `deadline`); true as soon
// as it holds, false at once when `spin` is not positive.
template <typename Condition>
bool SpinUntil(std::chrono::microseconds spin, const Deadline& deadline,
               Condition condition) {
  if (spin <= std::chrono::microseconds(0)) return false;
  // The clock costs more than a poll; it need not be read every time.
  constexpr int kPollsPerClockCheck = 16;
  const Deadline spin_end = Deadline::After(spin);
  do {
    for (int i = 0; i < kPollsPerClockCheck; ++i) {
      if (condition()) return true;
      CpuRelax();
    }
  } while (!spin_end.Expired() && !deadline.Expired());
  return false;
}

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_SPIN_H_
