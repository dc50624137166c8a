// Failed OS calls as exceptions, for benchmark code where one simply ends
// the benchmark (see run_or_skip.h): absl::Status failures, and semaphore
// waits the OS refuses.

#ifndef ZEROBUFFER_BENCHMARKS_OR_THROW_H_
#define ZEROBUFFER_BENCHMARKS_OR_THROW_H_

#include <stdexcept>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "platform/semaphore.h"

namespace zerobuffer::bench {

inline void ThrowIfFailed(const absl::Status& status, const std::string& what) {
  if (!status.ok()) {
    throw std::runtime_error(absl::StrCat(what, ": ", status.ToString()));
  }
}

template <typename T>
T OrThrow(absl::StatusOr<T> value, const std::string& what) {
  ThrowIfFailed(value.status(), what);
  return *std::move(value);
}

// Waits up to `timeout` for `semaphore`: true once taken, false on timeout.
// Throws when the OS refuses the wait, which waiting again will not mend.
inline bool TakenOrThrow(platform::NamedSemaphore& semaphore,
                         absl::Duration timeout, const std::string& what) {
  switch (semaphore.Wait(timeout)) {
    case platform::NamedSemaphore::WaitResult::kAcquired:
      return true;
    case platform::NamedSemaphore::WaitResult::kTimedOut:
      return false;
    case platform::NamedSemaphore::WaitResult::kFailed:
      break;
  }
  throw std::runtime_error(absl::StrCat("the OS refused the wait on ", what));
}

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_OR_THROW_H_
