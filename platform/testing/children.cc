#include "platform/testing/children.h"

#include <signal.h>
#include <sys/wait.h>

#include <optional>

#include "platform/posix_pid.h"

namespace zerobuffer::platform::testing {

const int kBrokenPipeSignal = SIGPIPE;

bool IsUnreapedChild(ProcessId pid) {
  const std::optional<pid_t> posix_pid = posix::ToPosixPid(pid);
  if (!posix_pid.has_value()) return false;
  siginfo_t info{};
  // WNOWAIT leaves a zombie to be reaped by its owner; waitid fails with
  // ECHILD for anything that is not (or no longer) our child.
  return waitid(P_PID, static_cast<id_t>(*posix_pid), &info,
                WEXITED | WNOHANG | WNOWAIT) == 0;
}

}  // namespace zerobuffer::platform::testing
