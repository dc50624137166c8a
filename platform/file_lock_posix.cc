#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/file_lock.h"
#include "platform/posix_errors.h"

namespace zerobuffer::platform {
namespace {

// Whether `path` still names the file open as `fd`. A stale cleaner may have
// unlinked (and someone re-created) the file after we opened it; a lock on
// an unlinked inode protects nothing.
bool PathNamesDescriptor(const std::string& path, int fd) {
  struct stat by_path;
  struct stat by_fd;
  return stat(path.c_str(), &by_path) == 0 && fstat(fd, &by_fd) == 0 &&
         by_path.st_dev == by_fd.st_dev && by_path.st_ino == by_fd.st_ino;
}

}  // namespace

absl::StatusOr<FileLock> FileLock::Acquire(
    const std::string& path, std::optional<uint32_t> permissions) {
  // Each retry means another process removed the file under us; a handful
  // is plenty, since that only happens when the file was stale.
  constexpr int kAttempts = 8;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const int fd = open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0666);
    if (fd < 0) return posix::ErrnoError(errno, "open", path);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      close(fd);
      if (error == EWOULDBLOCK) {
        return absl::UnavailableError(
            absl::StrCat("lock file ", path, " is held by another process"));
      }
      return posix::ErrnoError(error, "flock", path);
    }
    if (!PathNamesDescriptor(path, fd)) {
      close(fd);
      continue;
    }
    if (permissions.has_value() && fchmod(fd, *permissions) != 0) {
      const int error = errno;
      unlink(path.c_str());
      close(fd);
      return posix::ErrnoError(error, "fchmod", path);
    }
    return FileLock(path, fd);
  }
  return absl::AbortedError(
      absl::StrCat("lock file ", path, " kept disappearing while locking"));
}

absl::StatusOr<bool> FileLock::IsHeld(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return false;
    return posix::ErrnoError(errno, "open", path);
  }
  const bool held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(fd);  // Also drops the probe's own lock, if it got one.
  return held;
}

FileLock::FileLock(FileLock&& other) noexcept
    : path_(std::move(other.path_)),
      handle_(std::exchange(other.handle_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    Release();
    path_ = std::move(other.path_);
    handle_ = std::exchange(other.handle_, -1);
  }
  return *this;
}

FileLock::~FileLock() { Release(); }

void FileLock::Release() {
  if (handle_ < 0) return;
  // While we hold the lock nobody else can remove or replace the file, so
  // the path is still ours to unlink.
  unlink(path_.c_str());
  close(static_cast<int>(handle_));
  handle_ = -1;
}

}  // namespace zerobuffer::platform
