// ProcessId, the u64 a PID travels as through the OIEB, as the pid_t POSIX
// calls take. Private to //platform and its test helpers.

#ifndef ZEROBUFFER_PLATFORM_POSIX_PID_H_
#define ZEROBUFFER_PLATFORM_POSIX_PID_H_

#include <sys/types.h>

#include <climits>
#include <cstdint>
#include <optional>

namespace zerobuffer::platform::posix {

// `pid` (a ProcessId) as a pid_t; nullopt when it can name no process: 0,
// which kill(2) and clock_getcpuclockid(3) read as the caller itself, and
// values beyond pid_t, which would wrap to a negative pid (a process group,
// or every process).
inline std::optional<pid_t> ToPosixPid(uint64_t pid) {
  if (pid == 0 || pid > static_cast<uint64_t>(INT_MAX)) return std::nullopt;
  return static_cast<pid_t>(pid);
}

}  // namespace zerobuffer::platform::posix

#endif  // ZEROBUFFER_PLATFORM_POSIX_PID_H_
