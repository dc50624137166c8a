#include "zerobuffer/stale_cleanup.h"

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "platform/file_lock.h"
#include "platform/paths.h"
#include "platform/process.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/log.h"
#include "zerobuffer/names.h"
#include "zerobuffer/oieb_view.h"

namespace zerobuffer {
namespace {

bool OwnersGone(const OIEB& oieb, AbandonmentRule rule) {
  if (platform::IsProcessAlive(oieb.reader_pid)) return false;
  return rule == AbandonmentRule::kReaderGone ||
         !platform::IsProcessAlive(oieb.writer_pid);
}

}  // namespace

bool UnlinkBufferObjects(const std::string& name) {
  const BufferObjectNames names = BufferObjectNames::For(name);
  bool removed = platform::NamedSemaphore::Unlink(names.write_semaphore).ok();
  removed |= platform::NamedSemaphore::Unlink(names.read_semaphore).ok();
  removed |= platform::SharedMemory::Unlink(names.segment).ok();
  return removed;
}

bool RemoveBufferIfAbandoned(const std::string& name, AbandonmentRule rule) {
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(name);
  if (!segment.ok() && !absl::IsNotFound(segment.status()) &&
      !absl::IsFailedPrecondition(segment.status())) {
    // Unreadable (e.g. another user's): we cannot tell who owns it.
    return false;
  }
  if (segment.ok() && segment->size() >= kOiebSize) {
    const OIEB oieb = OiebView(segment->data()).Snapshot();
    if (!OwnersGone(oieb, rule)) return false;
    internal::Log(
        LogLevel::kInfo,
        absl::StrCat("Removing abandoned buffer '", name, "' (reader PID ",
                     oieb.reader_pid, ", writer PID ", oieb.writer_pid, ")"));
  }
  return UnlinkBufferObjects(name);
}

StaleCleanupReport CleanupStaleResources() {
  StaleCleanupReport report;
  for (const std::string& directory : LockDirectories()) {
    absl::StatusOr<std::vector<std::string>> files =
        platform::ListFiles(directory, kLockFileSuffix);
    if (!files.ok()) {
      internal::Log(LogLevel::kWarning,
                    absl::StrCat("Cannot scan lock directory ", directory, ": ",
                                 files.status().ToString()));
      continue;
    }
    for (const std::string& file : *files) {
      const std::string name(absl::StripSuffix(file, kLockFileSuffix));
      if (!ValidateBufferName(name).ok()) continue;
      const std::string path = platform::JoinPath(directory, file);
      absl::StatusOr<bool> removed = platform::FileLock::TryRemoveStale(path);
      if (!removed.ok() || !*removed) continue;
      report.removed_lock_files.push_back(path);
      if (RemoveBufferIfAbandoned(name,
                                  AbandonmentRule::kReaderAndWriterGone)) {
        report.removed_buffers.push_back(name);
      }
    }
  }
  return report;
}

}  // namespace zerobuffer
