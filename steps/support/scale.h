// Long or heavy steps (24-hour stress runs, 10,000-iteration benchmarks)
// run at a fraction of the size their sentence names, so that a scenario
// fits the per-step time limit; ZEROBUFFER_STEP_SCALE sets that fraction
// ("1" runs everything at full size). Every scaled step logs what it runs.

#ifndef ZEROBUFFER_STEPS_SUPPORT_SCALE_H_
#define ZEROBUFFER_STEPS_SUPPORT_SCALE_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "steps/context.h"

namespace zerobuffer::steps {

// The fraction to run at: ZEROBUFFER_STEP_SCALE when it is a number in
// (0, 1], else `default_fraction`.
double StepScale(double default_fraction);

// `named` scaled by StepScale(default_fraction), at least `minimum`; logged
// with `what` ("iterations of frame writes").
uint64_t ScaledCount(StepContext& context, uint64_t named,
                     double default_fraction, uint64_t minimum,
                     const std::string& what);
absl::Duration ScaledDuration(StepContext& context, absl::Duration named,
                              double default_fraction, absl::Duration minimum,
                              const std::string& what);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_SCALE_H_
