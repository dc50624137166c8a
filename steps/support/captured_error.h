// "Attempts to ..." steps do something that is expected to fail and keep
// the outcome; the "should fail with ..." step after them checks it
// (step-catalog 2.5).

#ifndef ZEROBUFFER_STEPS_SUPPORT_CAPTURED_ERROR_H_
#define ZEROBUFFER_STEPS_SUPPORT_CAPTURED_ERROR_H_

#include <exception>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "steps/context.h"
#include "zerobuffer/errors.h"

namespace zerobuffer::steps {

struct CapturedError {
  bool attempted = false;
  // Set when the attempt threw; `code` only for the library's exceptions.
  std::optional<ErrorCode> code;
  std::optional<std::string> message;

  bool failed() const { return message.has_value(); }
};

// Runs `attempt`, keeping what it threw (or that it succeeded) as the
// process's captured error. Never throws.
void Attempt(StepContext& context, const std::function<void()>& attempt);

// OK when the captured attempt failed with `expected`; otherwise a failure
// naming what happened instead. `what` describes the expected failure, e.g.
// "writer exists error".
absl::Status ExpectCapturedError(StepContext& context, ErrorCode expected,
                                 const std::string& what);

// OK when the captured attempt failed at all (any error), else a failure.
absl::Status ExpectAnyCapturedError(StepContext& context,
                                    const std::string& what);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_CAPTURED_ERROR_H_
