// The lock file that marks a live buffer owner.
//
// The protocol uses whole-file exclusive locks that die with their process:
// flock(2) on POSIX (not fcntl record locks, which flock holders cannot see)
// and an exclusive share mode with delete-on-close on Windows.
//
// Neither mechanism can look at a lock without taking it, so IsHeld probes
// by locking the file for the moment the probe lasts.
// An Acquire by another process in that moment fails with kUnavailable as
// if the file were owned; a caller that races with probes (stale cleanup
// of other readers) tells the two apart by trying again.

#ifndef ZEROBUFFER_PLATFORM_FILE_LOCK_H_
#define ZEROBUFFER_PLATFORM_FILE_LOCK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace zerobuffer::platform {

class FileLock {
 public:
  // Creates or opens `path` and locks it exclusively without blocking.
  // kUnavailable if another process holds the lock (or, on Windows, the file
  // is being deleted). Guards against a stale cleaner removing the file
  // between open and lock: the lock is only returned once `path` still names
  // the locked file.
  static absl::StatusOr<FileLock> Acquire(
      const std::string& path,
      std::optional<uint32_t> permissions = std::nullopt);

  // Whether some process currently holds the lock on `path`. A file being
  // deleted (Windows) counts as held: it is not free to take.
  static absl::StatusOr<bool> IsHeld(const std::string& path);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  // Removes the file, then releases the lock.
  ~FileLock();

  const std::string& path() const { return path_; }

 private:
  FileLock(std::string path, intptr_t handle)
      : path_(std::move(path)), handle_(handle) {}
  void Release();

  std::string path_;
  intptr_t handle_ = -1;
};

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_FILE_LOCK_H_
