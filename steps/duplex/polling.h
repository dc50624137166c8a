// Bounded waits for conditions another thread or process brings about, and
// the clock the duplex steps time things with.

#ifndef ZEROBUFFER_STEPS_DUPLEX_POLLING_H_
#define ZEROBUFFER_STEPS_DUPLEX_POLLING_H_

#include <chrono>
#include <cstdint>
#include <thread>

#include "zerobuffer/deadline.h"

namespace zerobuffer::steps::duplex_steps {

using SteadyClock = std::chrono::steady_clock;

// Polls `condition` until it holds or `timeout` passes; whether it held.
template <typename Condition>
bool PollUntil(std::chrono::milliseconds timeout, Condition condition) {
  const Deadline deadline = Deadline::After(timeout);
  while (!condition()) {
    if (deadline.Expired()) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// Whole milliseconds, for messages.
inline int64_t Millis(SteadyClock::duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration)
      .count();
}

}  // namespace zerobuffer::steps::duplex_steps

#endif  // ZEROBUFFER_STEPS_DUPLEX_POLLING_H_
