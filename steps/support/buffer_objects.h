// A buffer's operating-system objects as the steps check them: its segment,
// both semaphores and both lock files, where each shows in the file system
// (the segment and semaphores under /dev/shm on Linux), which of them exist,
// and a way to make the library's creation fail at sem-w for real.

#ifndef ZEROBUFFER_STEPS_SUPPORT_BUFFER_OBJECTS_H_
#define ZEROBUFFER_STEPS_SUPPORT_BUFFER_OBJECTS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace zerobuffer::steps {

struct BufferObject {
  enum class Kind { kSegment, kSemaphore, kLockFile };
  Kind kind;
  // The portable object name; the path itself for lock files.
  std::string name;
  // Where the object shows in the file system, where it does.
  std::optional<std::string> path;

  // "segment /dev/shm/<name>", "semaphore /dev/shm/sem.sem-w-<name>", ...
  std::string Describe() const;
};

// The segment (first), sem-w, sem-r and the lock files of buffer `name`.
std::vector<BufferObject> ObjectsOf(const std::string& name);

// Where `object` shows in the file system. Throws StepFailure where it is
// not a file, for the checks that are about files.
std::string FilePathOf(const BufferObject& object);

// Whether `object` exists now: anything at its path counts; where it is not
// a file, whether it opens.
bool Exists(const BufferObject& object);

// Descriptions of the objects of buffer `name` that exist now.
std::vector<std::string> ExistingObjects(const std::string& name);

// "a, b, c", or "none": lists of objects and buffers in step messages.
std::string ListedOrNone(const std::vector<std::string>& items);

// OK when every object of buffer `name` exists, or when none does;
// otherwise a failure naming the odd ones, introduced by `when` ("After
// close").
absl::Status ExpectAllObjects(const std::string& name, const std::string& when);
absl::Status ExpectNoObjects(const std::string& name, const std::string& when);

// Like ExpectNoObjects, and also no other entry whose name contains `name`
// in the directories the objects live in (a semaphore's temporary file, a
// lock file under another suffix). Throws StepFailure where the objects are
// not files.
absl::Status ExpectNothingNaming(const std::string& name,
                                 const std::string& when);

// Runs `attempt` while a directory stands where sem-w of buffer `name` must
// go: sem_open cannot create the semaphore there and sem_unlink cannot
// remove the directory, so the library's creation of `name` fails at sem-w
// after it made the segment. The directory goes again however `attempt`
// ends. Fails without running `attempt` where semaphores are not files or
// something is in the way already, and after it when the directory cannot
// be removed.
absl::Status WithWriteSemaphoreBlocked(const std::string& name,
                                       const std::function<void()>& attempt);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_BUFFER_OBJECTS_H_
