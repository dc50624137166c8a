#include <fcntl.h>
#include <semaphore.h>
#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/semaphore.h"

namespace zerobuffer::platform {
namespace {

std::string PosixName(const std::string& name) {
  return absl::StrCat("/", name);
}

sem_t* AsSem(void* handle) { return static_cast<sem_t*>(handle); }

absl::Status ErrnoStatus(int error, const char* call, const std::string& name) {
  return absl::ErrnoToStatus(error, absl::StrCat(call, "(\"/", name, "\")"));
}

absl::Duration MonotonicNow() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return absl::DurationFromTimespec(now);
}

}  // namespace

absl::StatusOr<NamedSemaphore> NamedSemaphore::CreateExclusive(
    const std::string& name, uint32_t initial,
    std::optional<uint32_t> permissions) {
  const std::string posix_name = PosixName(name);
  sem_t* sem = sem_open(posix_name.c_str(), O_CREAT | O_EXCL, 0666, initial);
  if (sem == SEM_FAILED) return ErrnoStatus(errno, "sem_open", name);
  if (permissions.has_value()) {
    // sem_open applies the umask and offers no fchmod; the object is a file.
    const std::optional<std::string> path = FilesystemPath(name);
    if (path.has_value() && chmod(path->c_str(), *permissions) != 0) {
      const int error = errno;
      sem_close(sem);
      sem_unlink(posix_name.c_str());
      return ErrnoStatus(error, "chmod", name);
    }
  }
  return NamedSemaphore(sem);
}

absl::StatusOr<NamedSemaphore> NamedSemaphore::Open(const std::string& name) {
  sem_t* sem = sem_open(PosixName(name).c_str(), 0);
  if (sem == SEM_FAILED) return ErrnoStatus(errno, "sem_open", name);
  return NamedSemaphore(sem);
}

absl::Status NamedSemaphore::Unlink(const std::string& name) {
  if (sem_unlink(PosixName(name).c_str()) != 0) {
    return ErrnoStatus(errno, "sem_unlink", name);
  }
  return absl::OkStatus();
}

std::optional<std::string> NamedSemaphore::FilesystemPath(
    const std::string& name) {
#ifdef __linux__
  return absl::StrCat("/dev/shm/sem.", name);
#else
  return std::nullopt;
#endif
}

NamedSemaphore::NamedSemaphore(NamedSemaphore&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

NamedSemaphore& NamedSemaphore::operator=(NamedSemaphore&& other) noexcept {
  if (this != &other) {
    Release();
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

NamedSemaphore::~NamedSemaphore() { Release(); }

void NamedSemaphore::Release() {
  if (handle_ != nullptr) sem_close(AsSem(handle_));
  handle_ = nullptr;
}

absl::Status NamedSemaphore::Post() {
  if (sem_post(AsSem(handle_)) == 0) return absl::OkStatus();
  if (errno == EOVERFLOW) {
    return absl::ResourceExhaustedError("semaphore count at its maximum");
  }
  return absl::ErrnoToStatus(errno, "sem_post");
}

NamedSemaphore::WaitResult NamedSemaphore::Wait(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration()) {
    return TryWait() ? WaitResult::kAcquired : WaitResult::kTimedOut;
  }
  if (timeout == absl::InfiniteDuration()) {
    while (sem_wait(AsSem(handle_)) != 0) {
      if (errno != EINTR) return WaitResult::kTimedOut;
    }
    return WaitResult::kAcquired;
  }
  // A monotonic deadline: wall-clock steps must not stretch or cut waits, and
  // an interrupted wait resumes against the same deadline.
  const timespec deadline = absl::ToTimespec(MonotonicNow() + timeout);
  while (sem_clockwait(AsSem(handle_), CLOCK_MONOTONIC, &deadline) != 0) {
    if (errno != EINTR) return WaitResult::kTimedOut;
  }
  return WaitResult::kAcquired;
}

bool NamedSemaphore::TryWait() {
  while (sem_trywait(AsSem(handle_)) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

std::optional<int> NamedSemaphore::Value() const {
  int value = 0;
  if (sem_getvalue(AsSem(handle_), &value) != 0) return std::nullopt;
  return value;
}

}  // namespace zerobuffer::platform
