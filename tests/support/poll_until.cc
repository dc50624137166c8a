#include "tests/support/poll_until.h"

#include <chrono>
#include <thread>

namespace zerobuffer::testing {

bool PollUntil(const std::function<bool()>& condition, absl::Duration timeout) {
  const auto deadline =
      std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace zerobuffer::testing
