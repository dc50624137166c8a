// Waiting for a state no event announces.

#ifndef ZEROBUFFER_TESTS_SUPPORT_POLL_UNTIL_H_
#define ZEROBUFFER_TESTS_SUPPORT_POLL_UNTIL_H_

#include <functional>

#include "absl/time/time.h"

namespace zerobuffer::testing {

// Re-evaluates `condition` every millisecond until it holds or `timeout`
// passes; whether it held. For states (a process turning into a zombie, a
// ring filling up in another process) that no event announces.
bool PollUntil(const std::function<bool()>& condition, absl::Duration timeout);

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_POLL_UNTIL_H_
