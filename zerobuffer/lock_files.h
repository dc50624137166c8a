// Taking a buffer's lock files, one per lock directory (protocol.md 5.1):
// the steps a reader creating its buffer and the removal of an abandoned one
// share. They differ only in which files they need and how patiently they
// take each.

#ifndef ZEROBUFFER_ZEROBUFFER_LOCK_FILES_H_
#define ZEROBUFFER_ZEROBUFFER_LOCK_FILES_H_

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "platform/file_lock.h"
#include "zerobuffer/log.h"

namespace zerobuffer {

// What LockBufferFiles does with the lock file in one directory.
enum class LockFileNeed {
  // Leaves it alone: this process holds it already, or does not want it.
  kSkip,
  // Takes it; failing to ends the attempt.
  kRequired,
  // Takes it where possible. One that cannot be taken for a reason other
  // than a holder (another user's file, an unusable directory) is done
  // without, with a log line, as long as no process holds it: then no
  // reader, ours or upstream's, is using that directory for the name.
  kIfUsable,
};

// Takes one lock file: FileLock::Acquire, or a caller's version of it.
using AcquireLockFile =
    std::function<absl::StatusOr<platform::FileLock>(const std::string& path)>;

// Takes the lock files of buffer `name` as `needs` says, one entry per lock
// directory in the order of LockDirectories() (missing entries count as
// kSkip), creating each directory first. A lock file another process holds
// ends the attempt with kUnavailable, a kRequired one that cannot be taken
// with the reason; the lock files taken until then are let go. A kIfUsable
// file done without is logged at `skipped_level`.
absl::StatusOr<std::vector<platform::FileLock>> LockBufferFiles(
    const std::string& name, std::span<const LockFileNeed> needs,
    const AcquireLockFile& acquire, LogLevel skipped_level);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_LOCK_FILES_H_
