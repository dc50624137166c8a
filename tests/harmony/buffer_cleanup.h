// Removal of what a scenario's buffers left behind. Harmony never does this
// (contract §2.3): its serves derive every buffer name from the host PID and
// feature id (step-catalog §2.1), so one scenario's debris can meet the next
// scenario of the same feature. The runner removes it once the scenario's
// processes have exited.

#ifndef ZEROBUFFER_TESTS_HARMONY_BUFFER_CLEANUP_H_
#define ZEROBUFFER_TESTS_HARMONY_BUFFER_CLEANUP_H_

#include <string>
#include <vector>

#include "platform/process.h"

namespace zerobuffer::harmony {

// "_<host pid>_<feature id>": what the serves append to every buffer and
// duplex channel name.
std::string IsolationSuffix(platform::ProcessId host_pid, int feature_id);

// The buffer a ZeroBuffer object file belongs to: its segment's name, the
// name in its semaphore's or lock file's name.
std::string BufferNameOfObject(const std::string& path);

struct CleanupReport {
  // Paths of the objects found before removal.
  std::vector<std::string> found;
  // Paths still there afterwards.
  std::vector<std::string> remaining;
};

// Finds the segments, semaphores and lock files whose names contain
// `suffix`, removes each such buffer whose reader and writer are gone the
// way the library does, then unlinks whatever is left.
CleanupReport RemoveBuffersWithSuffix(const std::string& suffix);

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_BUFFER_CLEANUP_H_
