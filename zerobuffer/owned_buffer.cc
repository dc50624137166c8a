#include "zerobuffer/owned_buffer.h"

#include <chrono>
#include <span>
#include <thread>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "platform/process.h"
#include "zerobuffer/deadline.h"
#include "zerobuffer/errors.h"
#include "zerobuffer/lock_files.h"
#include "zerobuffer/log.h"
#include "zerobuffer/names.h"
#include "zerobuffer/oieb_view.h"
#include "zerobuffer/platform_errors.h"

namespace zerobuffer {
namespace {

// Far beyond any machine, yet small enough that the sums below cannot
// overflow.
constexpr uint64_t kMaxBlockSize = uint64_t{1} << 61;
// C# addresses segments with int offsets.
constexpr uint64_t kLargestSegmentForCSharp = (uint64_t{1} << 31) - 1;

// A stale scan or a closing writer removing a dead reader's objects holds
// that buffer's lock files for a moment; a reader creating the same name
// then waits this long for them rather than taking the holder for a live
// reader.
constexpr std::chrono::milliseconds kRemovalGrace{500};
constexpr std::chrono::milliseconds kRemovalPoll{1};

// The lock file `path` of the buffer with the objects `names`, retried while
// another process holds it but the buffer names no live reader (see
// kRemovalGrace).
absl::StatusOr<platform::FileLock> AcquireLock(const BufferObjectNames& names,
                                               const std::string& path,
                                               const ReaderOptions& options) {
  const Deadline give_up = Deadline::After(kRemovalGrace);
  while (true) {
    absl::StatusOr<platform::FileLock> lock =
        platform::FileLock::Acquire(path, options.permissions);
    if (lock.ok() || !absl::IsUnavailable(lock.status()) ||
        !ReaderLooksGone(names) || give_up.Expired()) {
      return lock;
    }
    std::this_thread::sleep_for(kRemovalPoll);
  }
}

std::vector<platform::FileLock> AcquireLocks(const std::string& name,
                                             const BufferObjectNames& names,
                                             const ReaderOptions& options) {
  // In the order of LockDirectories(). The first directory is the one C++
  // and Python peers check; the C# directory is a courtesy that must not
  // stop us where it is unusable.
  const LockFileNeed needs[] = {
      LockFileNeed::kRequired,
      options.hold_compat_lock ? LockFileNeed::kIfUsable : LockFileNeed::kSkip};
  absl::StatusOr<std::vector<platform::FileLock>> locks = LockBufferFiles(
      name, needs,
      [&](const std::string& path) {
        return AcquireLock(names, path, options);
      },
      LogLevel::kWarning);
  if (absl::IsUnavailable(locks.status())) {
    throw ReaderAlreadyConnectedException(
        absl::StrCat("buffer '", name, "' is owned by a live reader (",
                     locks.status().message(), ")"));
  }
  if (!locks.ok()) {
    ThrowPlatformError(
        locks.status(),
        absl::StrCat("Failed to acquire lock for buffer '", name, "'"));
  }
  return *std::move(locks);
}

platform::SharedMemory CreateSegment(const std::string& name,
                                     const BufferObjectNames& names,
                                     const SegmentLayout& layout,
                                     const ReaderOptions& options,
                                     std::span<const platform::FileLock> locks,
                                     StaleCleanupReport& report) {
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<platform::SharedMemory> segment =
        platform::SharedMemory::CreateExclusive(
            names.segment, layout.total_size(), options.permissions);
    if (segment.ok()) return *std::move(segment);
    if (!absl::IsAlreadyExists(segment.status()) || attempt > 0) {
      ThrowPlatformError(
          segment.status(),
          absl::StrCat("Failed to create shared memory for buffer '", name,
                       "' (", layout.total_size(), " bytes)"));
    }
    // We hold the lock, so an existing segment is a leftover unless its
    // reader (say, a C# one, locking only the other directory) is alive or
    // still creating it, or it is a leftover we may not remove.
    if (!RemoveBufferIfAbandoned(name, AbandonmentRule::kReaderGone, &report,
                                 locks, options.object_namespace)) {
      throw ReaderAlreadyConnectedException(absl::StrCat(
          "shared memory of buffer '", name,
          "' belongs to a live reader, or is a dead reader's that this "
          "process may not remove (then the log says why)"));
    }
  }
}

platform::NamedSemaphore CreateSemaphore(const std::string& semaphore_name,
                                         const ReaderOptions& options) {
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<platform::NamedSemaphore> semaphore =
        platform::NamedSemaphore::CreateExclusive(semaphore_name, 0,
                                                  options.permissions);
    if (semaphore.ok()) return *std::move(semaphore);
    if (!absl::IsAlreadyExists(semaphore.status()) || attempt > 0) {
      ThrowPlatformError(
          semaphore.status(),
          absl::StrCat("Failed to create semaphore '", semaphore_name, "'"));
    }
    // We own the lock and a fresh segment: a semaphore of that name is a
    // leftover of a crash between creating and removing objects.
    platform::NamedSemaphore::Unlink(semaphore_name).IgnoreError();
  }
}

}  // namespace

SegmentLayout LayoutFor(const BufferConfig& config) {
  if (config.payload_size == 0) {
    throw ZeroBufferException("Invalid buffer config: payload_size is 0");
  }
  if (config.metadata_size > kMaxBlockSize ||
      config.payload_size > kMaxBlockSize) {
    throw ZeroBufferException(
        absl::StrCat("Invalid buffer config: metadata_size ",
                     config.metadata_size, " and payload_size ",
                     config.payload_size, " must each be at most 2^61 bytes"));
  }
  return {AlignToBlock(config.metadata_size),
          AlignToBlock(config.payload_size)};
}

OwnedBuffer CreateOwnedBuffer(const std::string& name,
                              const BufferConfig& config,
                              const ReaderOptions& options) {
  const SegmentLayout layout = LayoutFor(config);
  if (layout.total_size() > kLargestSegmentForCSharp) {
    internal::Log(LogLevel::kWarning,
                  absl::StrCat("Buffer '", name, "' is ", layout.total_size(),
                               " bytes; C# peers only handle segments below "
                               "2 GiB"));
  }
  StaleCleanupReport report = CleanupStaleResources();
  const BufferObjectNames names =
      BufferObjectNames::For(name, options.object_namespace);
  std::vector<platform::FileLock> locks = AcquireLocks(name, names, options);

  platform::SharedMemory segment =
      CreateSegment(name, names, layout, options, locks, report);
  absl::Cleanup remove_segment = [&names] {
    platform::SharedMemory::Unlink(names.segment).IgnoreError();
  };
  platform::NamedSemaphore write_semaphore =
      CreateSemaphore(names.write_semaphore, options);
  absl::Cleanup remove_write_semaphore = [&names] {
    platform::NamedSemaphore::Unlink(names.write_semaphore).IgnoreError();
  };
  platform::NamedSemaphore read_semaphore =
      CreateSemaphore(names.read_semaphore, options);

  OiebView(segment.data()).Initialize(layout, platform::CurrentProcessId());
  std::move(remove_segment).Cancel();
  std::move(remove_write_semaphore).Cancel();
  return OwnedBuffer{layout,
                     names,
                     std::move(locks),
                     std::move(segment),
                     std::move(write_semaphore),
                     std::move(read_semaphore),
                     std::move(report)};
}

}  // namespace zerobuffer
