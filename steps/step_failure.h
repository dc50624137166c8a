// A step that cannot go on. Handlers return a non-OK absl::Status for
// failed assertions; helpers deep inside a handler (looking up the current
// reader, say) throw this instead, and the executor reports its message.

#ifndef ZEROBUFFER_STEPS_STEP_FAILURE_H_
#define ZEROBUFFER_STEPS_STEP_FAILURE_H_

#include <stdexcept>
#include <string>

#include "absl/status/status.h"

namespace zerobuffer::steps {

class StepFailure : public std::runtime_error {
 public:
  explicit StepFailure(const std::string& message)
      : std::runtime_error(message) {}
};

// The status handlers return when an expectation does not hold.
inline absl::Status Failed(const std::string& message) {
  return absl::FailedPreconditionError(message);
}

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_STEP_FAILURE_H_
