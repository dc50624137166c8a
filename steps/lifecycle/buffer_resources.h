// The buffers of the running scenario as the lifecycle and error scenarios
// check them: which of them are live, and whether one is still consistent.

#ifndef ZEROBUFFER_STEPS_LIFECYCLE_BUFFER_RESOURCES_H_
#define ZEROBUFFER_STEPS_LIFECYCLE_BUFFER_RESOURCES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "steps/context.h"

namespace zerobuffer::steps {

// The physical names of the running scenario's buffers whose reader is
// alive, found by the isolation suffix every name of the scenario carries.
// Leftovers of crashed readers are not among them: Harmony never removes
// them, so earlier scenarios of the same feature may have left some.
// Throws StepFailure where segments do not show as files.
std::vector<std::string> LiveScenarioBuffers(StepContext& context);

// OK when buffer `name` is whole: its OIEB passes the library's own checks,
// its reader is alive and holds the lock, a writer (if any) is alive, the
// counters agree with each other and sem-w signals no frame that was not
// written. Otherwise a failure listing every problem with its numbers.
absl::Status CheckBufferConsistency(const std::string& name);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_LIFECYCLE_BUFFER_RESOURCES_H_
