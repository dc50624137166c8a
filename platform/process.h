// Process identity and liveness.

#ifndef ZEROBUFFER_PLATFORM_PROCESS_H_
#define ZEROBUFFER_PLATFORM_PROCESS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace zerobuffer::platform {

// PIDs travel through the OIEB as u64.
using ProcessId = uint64_t;

ProcessId CurrentProcessId();

// Whether `pid` names a running process. 0 is never alive. A process we may
// not signal (another user's) counts as alive, a zombie as dead: what matters
// to a peer is whether the process can still touch the buffer.
bool IsProcessAlive(ProcessId pid);

// The path of this process's executable, to start another copy of it.
absl::StatusOr<std::string> CurrentExecutablePath();

// Ends this process at once, as a crash would: no destructors, no atexit
// handlers, no flushing, so shared resources stay behind (SIGKILL on POSIX,
// TerminateProcess on Windows).
[[noreturn]] void DieAbruptly();

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_PROCESS_H_
