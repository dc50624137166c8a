#include "zerobuffer/stale_cleanup.h"

#include <optional>

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

namespace {

// Whether `rule` lets the buffer `name` go; its OIEB, when it has one, in
// `oieb`. A segment that is missing or too small to hold an OIEB is used by
// nobody; one we cannot read (another user's) is left alone.
bool IsAbandoned(const std::string& name, AbandonmentRule rule,
                 std::optional<OIEB>& oieb) {
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(name);
  if (!segment.ok() && !absl::IsNotFound(segment.status()) &&
      !absl::IsFailedPrecondition(segment.status())) {
    return false;
  }
  if (!segment.ok() || segment->size() < kOiebSize) return true;
  oieb = OiebView(segment->data()).Snapshot();
  return OwnersGone(*oieb, rule);
}

}  // namespace

bool RemoveBufferIfAbandoned(const std::string& name, AbandonmentRule rule) {
  std::optional<OIEB> oieb;
  if (!IsAbandoned(name, rule, oieb)) return false;
  if (oieb.has_value()) {
    internal::Log(
        LogLevel::kInfo,
        absl::StrCat("Removing abandoned buffer '", name, "' (reader PID ",
                     oieb->reader_pid, ", writer PID ", oieb->writer_pid, ")"));
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
      // While a writer still uses the buffer, its lock file must stay: it is
      // how a later scan finds the buffer once the writer has gone too.
      std::optional<OIEB> oieb;
      if (!IsAbandoned(name, AbandonmentRule::kReaderAndWriterGone, oieb)) {
        continue;
      }
      const std::string path = platform::JoinPath(directory, file);
      absl::StatusOr<bool> removed = platform::FileLock::TryRemoveStale(path);
      if (!removed.ok() || !*removed) continue;
      report.removed_lock_files.push_back(path);
      // Again: a new reader may have taken the name since the first look.
      if (RemoveBufferIfAbandoned(name,
                                  AbandonmentRule::kReaderAndWriterGone)) {
        report.removed_buffers.push_back(name);
      }
    }
  }
  return report;
}

}  // namespace zerobuffer
