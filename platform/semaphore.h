// A named counting semaphore shared between processes.

#ifndef ZEROBUFFER_PLATFORM_SEMAPHORE_H_
#define ZEROBUFFER_PLATFORM_SEMAPHORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zerobuffer::platform {

class NamedSemaphore {
 public:
  enum class WaitResult {
    kAcquired,
    kTimedOut,
    // The OS refused the wait itself (EINVAL, WAIT_FAILED): the handle is
    // not a usable semaphore. Waiting again will not help.
    kFailed,
  };

  // Creates `name` with count `initial`, failing with kAlreadyExists if it
  // exists. `permissions`, when set, is applied verbatim (umask bypassed).
  static absl::StatusOr<NamedSemaphore> CreateExclusive(
      const std::string& name, uint32_t initial,
      std::optional<uint32_t> permissions = std::nullopt);

  // Opens the existing semaphore `name`; kNotFound if missing.
  static absl::StatusOr<NamedSemaphore> Open(const std::string& name);

  // Removes the name; open handles stay usable. kNotFound if missing.
  // kUnimplemented on Windows, where names cannot outlive their objects: the
  // kernel destroys a semaphore, name included, with its last handle, so a
  // crashed owner leaves nothing behind and there is nothing to remove.
  static absl::Status Unlink(const std::string& name);

  // Where the semaphore appears in the file system
  // (/dev/shm/sem.<name> on Linux), or nullopt.
  static std::optional<std::string> FilesystemPath(const std::string& name);

  NamedSemaphore(NamedSemaphore&& other) noexcept;
  NamedSemaphore& operator=(NamedSemaphore&& other) noexcept;
  NamedSemaphore(const NamedSemaphore&) = delete;
  NamedSemaphore& operator=(const NamedSemaphore&) = delete;
  ~NamedSemaphore();

  // Increments the count. kResourceExhausted when the count is at its
  // maximum (EOVERFLOW / ERROR_TOO_MANY_POSTS).
  absl::Status Post();

  // Decrements the count, blocking up to `timeout` (absl::InfiniteDuration()
  // blocks without limit). Measured on a monotonic clock; interrupted waits
  // resume with the remaining time. ThreadSanitizer sees every successful
  // wait as synchronising with the post it consumed.
  WaitResult Wait(absl::Duration timeout);

  // Decrements the count if it is positive, without blocking.
  bool TryWait();

  // The current count where the OS can report it (not on Windows).
  std::optional<int> Value() const;

 private:
  explicit NamedSemaphore(void* handle) : handle_(handle) {}
  void Release();

  void* handle_ = nullptr;  // sem_t* on POSIX, HANDLE on Windows.
};

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_SEMAPHORE_H_
