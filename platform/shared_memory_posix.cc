#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/posix_errors.h"
#include "platform/shared_memory.h"

namespace zerobuffer::platform {
namespace {

// posix_fallocate reports its error instead of setting errno, and a signal
// can interrupt it before it is done.
int ReservePages(int fd, size_t size) {
  int error;
  do {
    error = posix_fallocate(fd, 0, static_cast<off_t>(size));
  } while (error == EINTR);
  return error;
}

}  // namespace

absl::StatusOr<SharedMemory> SharedMemory::CreateExclusive(
    const std::string& name, size_t size, std::optional<uint32_t> permissions) {
  if (size == 0) {
    return absl::InvalidArgumentError("shared memory size must be positive");
  }
  const std::string posix_name = posix::ObjectName(name);
  const int fd = shm_open(posix_name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0666);
  if (fd < 0) return posix::ErrnoError(errno, "shm_open", posix_name);

  // Everything after the exclusive create must undo it on failure, or the
  // half-made segment would block the name.
  auto fail = [&](int error, const char* call) {
    close(fd);
    shm_unlink(posix_name.c_str());
    return posix::ErrnoError(error, call, posix_name);
  };
  if (permissions.has_value() && fchmod(fd, *permissions) != 0) {
    return fail(errno, "fchmod");
  }
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    return fail(errno, "ftruncate");
  }
  // Commit the pages now: tmpfs hands out sparse files, and touching a page
  // that /dev/shm cannot back later kills the process with SIGBUS. File
  // systems without fallocate support keep the sparse behaviour.
  const int reserve_error = ReservePages(fd, size);
  if (reserve_error != 0 && reserve_error != EOPNOTSUPP &&
      reserve_error != EINVAL) {
    return fail(reserve_error, "posix_fallocate");
  }
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) return fail(errno, "mmap");
  close(fd);  // The mapping keeps the object alive.
  return SharedMemory(static_cast<std::byte*>(data), size);
}

absl::StatusOr<SharedMemory> SharedMemory::Open(const std::string& name) {
  const std::string posix_name = posix::ObjectName(name);
  const int fd = shm_open(posix_name.c_str(), O_RDWR, 0);
  if (fd < 0) return posix::ErrnoError(errno, "shm_open", posix_name);
  struct stat info;
  if (fstat(fd, &info) != 0) {
    const int error = errno;
    close(fd);
    return posix::ErrnoError(error, "fstat", posix_name);
  }
  if (info.st_size <= 0) {
    close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("shared memory \"", name, "\" is empty"));
  }
  const size_t size = static_cast<size_t>(info.st_size);
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  const int error = errno;
  close(fd);
  if (data == MAP_FAILED) return posix::ErrnoError(error, "mmap", posix_name);
  return SharedMemory(static_cast<std::byte*>(data), size);
}

absl::Status SharedMemory::Unlink(const std::string& name) {
  const std::string posix_name = posix::ObjectName(name);
  if (shm_unlink(posix_name.c_str()) != 0) {
    return posix::ErrnoError(errno, "shm_unlink", posix_name);
  }
  return absl::OkStatus();
}

std::optional<std::string> SharedMemory::FilesystemPath(
    const std::string& name) {
#ifdef __linux__
  return absl::StrCat("/dev/shm/", name);
#else
  return std::nullopt;
#endif
}

SharedMemory::SharedMemory(SharedMemory&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

SharedMemory& SharedMemory::operator=(SharedMemory&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SharedMemory::~SharedMemory() { Release(); }

void SharedMemory::Release() {
  if (data_ != nullptr) munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace zerobuffer::platform
