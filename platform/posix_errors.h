// Helpers shared by the POSIX implementations in this package: errno values
// as absl::Status and the names POSIX gives kernel objects. The counterpart
// of win32_errors.h; private to //platform and its test helpers.

#ifndef ZEROBUFFER_PLATFORM_POSIX_ERRORS_H_
#define ZEROBUFFER_PLATFORM_POSIX_ERRORS_H_

#include <string>

#include "absl/status/status.h"

namespace zerobuffer::platform::posix {

// absl::ErrnoToStatus(error) with the message `call("object")`, the shape
// win32::Win32Error gives its messages too.
absl::Status ErrnoError(int error, const char* call, const std::string& object);

// The name shm_open and sem_open take for the portable object name `name`:
// one leading slash, the portable POSIX form (glibc maps "/x" to
// /dev/shm/x).
std::string ObjectName(const std::string& name);

}  // namespace zerobuffer::platform::posix

#endif  // ZEROBUFFER_PLATFORM_POSIX_ERRORS_H_
