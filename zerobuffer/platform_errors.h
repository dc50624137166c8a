// Turns a failed platform call into the library's exception for it.

#ifndef ZEROBUFFER_ZEROBUFFER_PLATFORM_ERRORS_H_
#define ZEROBUFFER_ZEROBUFFER_PLATFORM_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "platform/semaphore.h"

namespace zerobuffer {

// Throws for a non-OK `status`; `context` says what was being done, e.g.
// "Failed to open buffer 'frames'". kNotFound becomes
// BufferNotFoundException, kUnavailable (a lock held by another process)
// ReaderAlreadyConnectedException, and every other code a
// ZeroBufferException; the message keeps the OS reason
// ("Permission denied", "No space left on device", ...).
[[noreturn]] void ThrowPlatformError(const absl::Status& status,
                                     const std::string& context);

// Waits on `semaphore`, the `kind` ("sem-w", "sem-r") of buffer `buffer`,
// up to `timeout`: true when a signal was taken, false on timeout. Throws
// ZeroBufferException when the OS refuses the wait itself, which waiting
// again would not mend.
bool WaitOrThrow(platform::NamedSemaphore& semaphore, absl::Duration timeout,
                 const char* kind, const std::string& buffer);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_PLATFORM_ERRORS_H_
