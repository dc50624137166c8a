#include "platform/testing/children.h"

#include <signal.h>
#include <sys/wait.h>

#include <climits>

namespace zerobuffer::platform::testing {

const int kBrokenPipeSignal = SIGPIPE;

bool IsUnreapedChild(ProcessId pid) {
  if (pid == 0 || pid > static_cast<ProcessId>(INT_MAX)) return false;
  siginfo_t info{};
  // WNOWAIT leaves a zombie to be reaped by its owner; waitid fails with
  // ECHILD for anything that is not (or no longer) our child.
  return waitid(P_PID, static_cast<id_t>(pid), &info,
                WEXITED | WNOHANG | WNOWAIT) == 0;
}

}  // namespace zerobuffer::platform::testing
