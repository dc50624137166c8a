#include <fcntl.h>
#include <semaphore.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/base/config.h"
#include "absl/strings/str_cat.h"
#include "platform/posix_errors.h"
#include "platform/semaphore.h"

namespace zerobuffer::platform {
namespace {

sem_t* AsSem(void* handle) { return static_cast<sem_t*>(handle); }

absl::Duration ClockNow(clockid_t clock) {
  timespec now;
  clock_gettime(clock, &now);
  return absl::DurationFromTimespec(now);
}

// Takes one count, waiting until `deadline` on CLOCK_MONOTONIC: wall-clock
// steps must not stretch or cut waits, and an interrupted wait resumes
// against the same deadline. 0, or the errno of the failure (ETIMEDOUT).
int WaitUntil(sem_t* sem, absl::Duration deadline) {
#ifdef ABSL_HAVE_THREAD_SANITIZER
  // ThreadSanitizer intercepts sem_wait, sem_timedwait and sem_post, not
  // sem_clockwait. A wait it does not see loses the happens-before edge of
  // the post it consumed, and TSan then reports races on everything the
  // semaphore orders. sem_timedwait measures CLOCK_REALTIME, so each round
  // turns the monotonic time left into a realtime deadline, at most a slice
  // away: a wall-clock step forward ends a round early and the monotonic
  // deadline decides whether to go on; a step back stretches the wait by at
  // most one slice.
  constexpr absl::Duration kSlice = absl::Milliseconds(100);
  while (true) {
    const absl::Duration left = deadline - ClockNow(CLOCK_MONOTONIC);
    if (left <= absl::ZeroDuration()) {
      return sem_trywait(sem) == 0 ? 0 : ETIMEDOUT;
    }
    const timespec round_end =
        absl::ToTimespec(ClockNow(CLOCK_REALTIME) + std::min(left, kSlice));
    if (sem_timedwait(sem, &round_end) == 0) return 0;
    if (errno != ETIMEDOUT && errno != EINTR) return errno;
  }
#else
  const timespec monotonic_deadline = absl::ToTimespec(deadline);
  while (sem_clockwait(sem, CLOCK_MONOTONIC, &monotonic_deadline) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
#endif
}

}  // namespace

absl::StatusOr<NamedSemaphore> NamedSemaphore::CreateExclusive(
    const std::string& name, uint32_t initial,
    std::optional<uint32_t> permissions) {
  const std::string posix_name = posix::ObjectName(name);
  sem_t* sem = sem_open(posix_name.c_str(), O_CREAT | O_EXCL, 0666, initial);
  if (sem == SEM_FAILED)
    return posix::ErrnoError(errno, "sem_open", posix_name);
  if (permissions.has_value()) {
    // sem_open applies the umask and offers no fchmod; the object is a file.
    const std::optional<std::string> path = FilesystemPath(name);
    if (path.has_value() && chmod(path->c_str(), *permissions) != 0) {
      const int error = errno;
      sem_close(sem);
      sem_unlink(posix_name.c_str());
      return posix::ErrnoError(error, "chmod", *path);
    }
  }
  return NamedSemaphore(sem);
}

absl::StatusOr<NamedSemaphore> NamedSemaphore::Open(const std::string& name) {
  const std::string posix_name = posix::ObjectName(name);
  sem_t* sem = sem_open(posix_name.c_str(), 0);
  if (sem == SEM_FAILED)
    return posix::ErrnoError(errno, "sem_open", posix_name);
  return NamedSemaphore(sem);
}

absl::Status NamedSemaphore::Unlink(const std::string& name) {
  const std::string posix_name = posix::ObjectName(name);
  if (sem_unlink(posix_name.c_str()) != 0) {
    return posix::ErrnoError(errno, "sem_unlink", posix_name);
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
      if (errno != EINTR) return WaitResult::kFailed;
    }
    return WaitResult::kAcquired;
  }
  switch (WaitUntil(AsSem(handle_), ClockNow(CLOCK_MONOTONIC) + timeout)) {
    case 0:
      return WaitResult::kAcquired;
    case ETIMEDOUT:
      return WaitResult::kTimedOut;
    default:
      return WaitResult::kFailed;
  }
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
