// What a scenario's buffers left behind, found and removed. Harmony never
// does this (contract §2.3): its serves derive every buffer name from the
// host PID and feature id (step-catalog §2.1), so one scenario's debris can
// meet the next scenario of the same feature. The runner looks once the
// scenario's processes have exited: whatever is there then is a leak that
// fails the scenario, and is removed so that the next one starts clean.

#ifndef ZEROBUFFER_TESTS_HARMONY_BUFFER_CLEANUP_H_
#define ZEROBUFFER_TESTS_HARMONY_BUFFER_CLEANUP_H_

#include <string>
#include <vector>

#include "platform/process.h"

namespace zerobuffer::harmony {

// "_<host pid>_<feature id>": what the serves append to every buffer and
// duplex channel name.
std::string IsolationSuffix(platform::ProcessId host_pid, int feature_id);

// Whether the object file at `path` belongs to a buffer of the scenario
// whose names end in `suffix` (a duplex channel's buffers add "_response"
// and the like): its name holds the suffix, not followed by a digit, so
// feature 1's "_41235_1" is not found in feature 12's "_41235_12".
bool BelongsToSuffix(const std::string& path, const std::string& suffix);

// The buffer a ZeroBuffer object file belongs to: its segment's name, the
// name in its semaphore's or lock file's name.
std::string BufferNameOfObject(const std::string& path);

struct CleanupReport {
  // Paths of the objects found before removal, sorted.
  std::vector<std::string> found;
  // Paths still there afterwards, sorted.
  std::vector<std::string> remaining;
};

// The segments, semaphores and lock files that belong to `suffix`, sorted.
std::vector<std::string> FindBufferObjects(const std::string& suffix);

// Finds them, removes each such buffer whose reader and writer are gone the
// way the library does, then unlinks whatever is left.
CleanupReport RemoveBuffersWithSuffix(const std::string& suffix);

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_BUFFER_CLEANUP_H_
