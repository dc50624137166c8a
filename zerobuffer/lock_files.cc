#include "zerobuffer/lock_files.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "platform/paths.h"
#include "zerobuffer/names.h"

namespace zerobuffer {

absl::StatusOr<std::vector<platform::FileLock>> LockBufferFiles(
    const std::string& name, std::span<const LockFileNeed> needs,
    const AcquireLockFile& acquire, LogLevel skipped_level) {
  const std::vector<std::string> directories = LockDirectories();
  const std::vector<std::string> paths = LockFilePaths(name);
  std::vector<platform::FileLock> locks;
  for (size_t i = 0; i < paths.size() && i < needs.size(); ++i) {
    if (needs[i] == LockFileNeed::kSkip) continue;
    absl::Status status = platform::EnsureDirectory(directories[i]);
    if (status.ok()) {
      absl::StatusOr<platform::FileLock> lock = acquire(paths[i]);
      if (lock.ok()) {
        locks.push_back(*std::move(lock));
        continue;
      }
      status = lock.status();
    }
    if (absl::IsUnavailable(status) || needs[i] == LockFileNeed::kRequired) {
      return status;
    }
    if (platform::FileLock::IsHeld(paths[i]).value_or(false)) {
      return absl::UnavailableError(
          absl::StrCat("lock file ", paths[i], " is held by another process (",
                       status.message(), ")"));
    }
    internal::Log(
        skipped_level,
        absl::StrCat("Not holding lock file ", paths[i], " of buffer '", name,
                     "' (", status.ToString(), "); no other process holds it"));
  }
  return locks;
}

}  // namespace zerobuffer
