#include "zerobuffer/platform_errors.h"

#include "absl/strings/str_cat.h"
#include "zerobuffer/errors.h"

namespace zerobuffer {

void ThrowPlatformError(const absl::Status& status,
                        const std::string& context) {
  const std::string detail =
      absl::StrCat(context, ": ", std::string(status.message()));
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      throw BufferNotFoundException(detail);
    case absl::StatusCode::kUnavailable:
      throw ReaderAlreadyConnectedException(detail);
    default:
      throw ZeroBufferException(detail);
  }
}

bool WaitOrThrow(platform::NamedSemaphore& semaphore, absl::Duration timeout,
                 const char* kind, const std::string& buffer) {
  switch (semaphore.Wait(timeout)) {
    case platform::NamedSemaphore::WaitResult::kAcquired:
      return true;
    case platform::NamedSemaphore::WaitResult::kTimedOut:
      return false;
    case platform::NamedSemaphore::WaitResult::kFailed:
      break;
  }
  throw ZeroBufferException(absl::StrCat("Waiting on ", kind, " of buffer '",
                                         buffer,
                                         "' failed: the OS refused the wait"));
}

}  // namespace zerobuffer
