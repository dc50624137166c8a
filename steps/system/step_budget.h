// How long a step that loops may run: a share of the step time limit, so
// that it can still report what it did before the step server gives up on
// it.

#ifndef ZEROBUFFER_STEPS_SYSTEM_STEP_BUDGET_H_
#define ZEROBUFFER_STEPS_SYSTEM_STEP_BUDGET_H_

#include <chrono>

#include "absl/time/time.h"
#include "steps/context.h"

namespace zerobuffer::steps {

inline absl::Duration StepBudget(const StepContext& context) {
  return context.step_time_limit() * 0.8;
}

// When a loop starting now has to stop.
inline std::chrono::steady_clock::time_point LoopDeadline(
    const StepContext& context) {
  return std::chrono::steady_clock::now() +
         absl::ToChronoNanoseconds(StepBudget(context));
}

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SYSTEM_STEP_BUDGET_H_
