// The parts of starting and ending a child process that Subprocess and
// RunAsUser share: what the child does between fork and exec, and reaping
// it. POSIX-only and private to //platform.
//
// A fork of a multithreaded process copies only the forking thread; a lock
// another thread held at that moment stays locked in the child forever. So
// the child runs only async-signal-safe calls until it execs, and the
// functions here marked so are.

#ifndef ZEROBUFFER_PLATFORM_POSIX_CHILD_H_
#define ZEROBUFFER_PLATFORM_POSIX_CHILD_H_

#include <sys/types.h>

#include "platform/exit_status.h"
#include "platform/user_identity.h"

namespace zerobuffer::platform::posix {

// A step of the child's set-up that failed, and its errno. Trivially
// copyable: the child hands it to the parent through a pipe as raw bytes.
struct ChildFailure {
  enum class Step : int {
    kNone,
    kRedirect,
    kSetgroups,
    kSetgid,
    kSetuid,
    kExec,
  };
  Step step = Step::kNone;
  int error = 0;

  bool failed() const { return step != Step::kNone; }
  // The call that failed: "setuid", "execve", ...
  const char* call() const;
};

// Becomes `user`: drops the supplementary groups, then switches group, then
// user (after setuid nothing is left that may change the others). Nothing to
// do, and so no privilege needed, when the process already runs as that uid
// and gid. Async-signal-safe.
ChildFailure BecomeUser(const UserIdentity& user);

// Waits for the child `pid` to end and reaps it, retrying EINTR.
ExitStatus Reap(pid_t pid);

// The ExitStatus a waitpid status describes.
ExitStatus FromWaitStatus(int status);

}  // namespace zerobuffer::platform::posix

#endif  // ZEROBUFFER_PLATFORM_POSIX_CHILD_H_
