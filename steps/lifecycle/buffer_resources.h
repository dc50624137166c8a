// A buffer's operating-system objects as the lifecycle and error scenarios
// check them: which of them exist, which buffers belong to the running
// scenario, and whether a live buffer is still consistent.

#ifndef ZEROBUFFER_STEPS_LIFECYCLE_BUFFER_RESOURCES_H_
#define ZEROBUFFER_STEPS_LIFECYCLE_BUFFER_RESOURCES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "steps/context.h"

namespace zerobuffer::steps {

struct BufferObject {
  enum class Kind { kSegment, kSemaphore, kLockFile };
  Kind kind;
  // The portable object name; the path itself for lock files.
  std::string name;
  // Where the object shows in the file system, where it does.
  std::optional<std::string> path;

  std::string Describe() const;
};

// The segment, both semaphores and the lock files of buffer `name`.
std::vector<BufferObject> ObjectsOf(const std::string& name);

// "a, b, c", or "none": lists of names in step messages.
std::string ListedOrNone(const std::vector<std::string>& items);

// Whether `object` exists now (anything at its path counts).
bool Exists(const BufferObject& object);

// Descriptions of the objects of buffer `name` that exist now.
std::vector<std::string> ExistingObjects(const std::string& name);

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
