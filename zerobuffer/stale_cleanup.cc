#include "zerobuffer/stale_cleanup.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "platform/file_lock.h"
#include "platform/paths.h"
#include "platform/process.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/lock_files.h"
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

// Whether the PIDs in the OIEB of the segment `names` let it go under `rule`;
// the OIEB, when there is one, in `oieb`. A segment that is missing or too
// small to hold an OIEB names nobody; one we cannot open (another user's) is
// left alone. Only the lock files tell whether a reader is still creating it.
bool OwnersLookGone(const BufferObjectNames& names, AbandonmentRule rule,
                    std::optional<OIEB>& oieb) {
  oieb.reset();
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(names.segment);
  if (!segment.ok() && !absl::IsNotFound(segment.status()) &&
      !absl::IsFailedPrecondition(segment.status())) {
    return false;
  }
  if (!segment.ok() || segment->size() < kOiebSize) return true;
  oieb = OiebView(segment->data()).Snapshot();
  return OwnersGone(*oieb, rule);
}

// Whether an unlink that failed with `status` leaves no object behind: there
// was none, or (Windows) names cannot outlive their objects.
bool LeftNothingBehind(const absl::Status& status) {
  return absl::IsNotFound(status) || absl::IsUnimplemented(status);
}

bool IsHeldHere(std::span<const platform::FileLock> held_here,
                const std::string& path) {
  return std::any_of(
      held_here.begin(), held_here.end(),
      [&path](const platform::FileLock& lock) { return lock.path() == path; });
}

// The lock files of `name` that this process does not hold yet, one per lock
// directory, now held by us; nullopt when another process holds one. Paths
// of lock files that existed before go to `existing`.
//
// The C# directory is locked too, created if need be, also in a process
// whose readers do not hold a lock there (ReaderOptions::hold_compat_lock):
// a C# reader of the name locks only that directory, and its objects must
// not go while it may be creating or using them. The directory is the one
// upstream uses anyway, and the lock file goes again with the lock.
std::optional<std::vector<platform::FileLock>> LockEveryDirectory(
    const std::string& name, std::span<const platform::FileLock> held_here,
    std::vector<std::string>& existing) {
  std::vector<LockFileNeed> needs;
  std::vector<std::string> existed;
  for (const std::string& path : LockFilePaths(name)) {
    if (IsHeldHere(held_here, path)) {
      needs.push_back(LockFileNeed::kSkip);
      continue;
    }
    needs.push_back(LockFileNeed::kIfUsable);
    if (platform::FileExists(path)) existed.push_back(path);
  }
  absl::StatusOr<std::vector<platform::FileLock>> locks = LockBufferFiles(
      name, needs,
      [](const std::string& path) { return platform::FileLock::Acquire(path); },
      LogLevel::kDebug);
  if (!locks.ok()) return std::nullopt;
  for (const platform::FileLock& lock : *locks) {
    if (std::find(existed.begin(), existed.end(), lock.path()) !=
        existed.end()) {
      existing.push_back(lock.path());
    }
  }
  return *std::move(locks);
}

}  // namespace

absl::StatusOr<bool> UnlinkBufferObjects(const BufferObjectNames& names) {
  const absl::Status outcomes[] = {
      platform::NamedSemaphore::Unlink(names.write_semaphore),
      platform::NamedSemaphore::Unlink(names.read_semaphore),
      platform::SharedMemory::Unlink(names.segment),
  };
  bool removed = false;
  absl::Status failure;
  for (const absl::Status& outcome : outcomes) {
    if (outcome.ok()) {
      removed = true;
    } else if (!LeftNothingBehind(outcome)) {
      internal::Log(
          LogLevel::kWarning,
          absl::StrCat("Cannot remove a buffer object: ", outcome.ToString()));
      failure.Update(outcome);
    }
  }
  if (!failure.ok()) return failure;
  return removed;
}

bool ReaderLooksGone(const BufferObjectNames& names) {
  std::optional<OIEB> oieb;
  return OwnersLookGone(names, AbandonmentRule::kReaderGone, oieb);
}

bool RemoveBufferIfAbandoned(const std::string& name, AbandonmentRule rule,
                             StaleCleanupReport* report,
                             std::span<const platform::FileLock> held_here,
                             ObjectNamespace object_namespace) {
  const BufferObjectNames names =
      BufferObjectNames::For(name, object_namespace);
  std::optional<OIEB> oieb;
  if (!OwnersLookGone(names, rule, oieb)) return false;
  std::vector<std::string> existing_lock_files;
  const std::optional<std::vector<platform::FileLock>> locks =
      LockEveryDirectory(name, held_here, existing_lock_files);
  if (!locks.has_value()) return false;
  // Again, now that no reader can come or go: a reader may have created the
  // buffer anew, used it and crashed since the first look.
  if (!OwnersLookGone(names, rule, oieb)) return false;
  if (oieb.has_value()) {
    internal::Log(
        LogLevel::kInfo,
        absl::StrCat("Removing abandoned buffer '", name, "' (reader PID ",
                     oieb->reader_pid, ", writer PID ", oieb->writer_pid, ")"));
  }
  const absl::StatusOr<bool> removed = UnlinkBufferObjects(names);
  if (report != nullptr) {
    if (removed.value_or(false)) report->removed_buffers.push_back(name);
    // Removed below, as `locks` lets them go, also when an object stays: a
    // reader of the name that may remove it does so when it meets it.
    report->removed_lock_files.insert(report->removed_lock_files.end(),
                                      existing_lock_files.begin(),
                                      existing_lock_files.end());
  }
  return removed.ok();
}

StaleCleanupReport CleanupStaleResources() {
  // Each name once, though it may have a lock file in both directories.
  std::set<std::string> names;
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
      std::string name(absl::StripSuffix(file, kLockFileSuffix));
      if (ValidateBufferName(name).ok()) names.insert(std::move(name));
    }
  }
  StaleCleanupReport report;
  // A lock file does not say which namespace its buffer's objects live in,
  // so the scan looks in the session one. That is every buffer's on POSIX,
  // which has only one. On Windows the kernel has destroyed a crashed
  // reader's objects, in either namespace, with their last handle, so only
  // its lock files are left to remove; and a live reader of a global buffer
  // holds its lock files, which keeps the scan off the buffer.
  for (const std::string& name : names) {
    RemoveBufferIfAbandoned(name, AbandonmentRule::kReaderAndWriterGone,
                            &report);
  }
  return report;
}

}  // namespace zerobuffer
