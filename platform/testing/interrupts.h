// Signals aimed at one thread, for tests that check a blocking call retries
// when a signal interrupts it (EINTR) instead of giving up early.

#ifndef ZEROBUFFER_PLATFORM_TESTING_INTERRUPTS_H_
#define ZEROBUFFER_PLATFORM_TESTING_INTERRUPTS_H_

#include <atomic>
#include <cstdint>
#include <thread>

#include "absl/time/time.h"

namespace zerobuffer::platform::testing {

// A thread of this process, as SignalStorm names it.
using ThreadHandle = uint64_t;
ThreadHandle CurrentThread();

// Sends SIGUSR1 to `target` every `interval` until destroyed. SIGUSR1 gets
// a handler that only counts, installed without SA_RESTART, so a system
// call the signal interrupts fails with EINTR rather than resuming by
// itself: the code under test has to retry. One storm at a time.
class SignalStorm {
 public:
  SignalStorm(ThreadHandle target, absl::Duration interval);
  ~SignalStorm();
  SignalStorm(const SignalStorm&) = delete;
  SignalStorm& operator=(const SignalStorm&) = delete;

  // Signals handled so far, in any thread.
  static int64_t signals_handled();

 private:
  std::atomic<bool> stop_{false};
  std::thread sender_;
};

}  // namespace zerobuffer::platform::testing

#endif  // ZEROBUFFER_PLATFORM_TESTING_INTERRUPTS_H_
