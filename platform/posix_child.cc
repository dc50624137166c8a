#include "platform/posix_child.h"

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace zerobuffer::platform::posix {

const char* ChildFailure::call() const {
  switch (step) {
    case Step::kNone:
      return "nothing";
    case Step::kRedirect:
      return "dup2";
    case Step::kSetgroups:
      return "setgroups";
    case Step::kSetgid:
      return "setgid";
    case Step::kSetuid:
      return "setuid";
    case Step::kExec:
      return "execve";
  }
  return "an unknown call";
}

ChildFailure BecomeUser(const UserIdentity& user) {
  using Step = ChildFailure::Step;
  if (geteuid() == user.uid && getegid() == user.gid) return {};
  if (setgroups(0, nullptr) != 0) return {Step::kSetgroups, errno};
  if (setgid(user.gid) != 0) return {Step::kSetgid, errno};
  if (setuid(user.uid) != 0) return {Step::kSetuid, errno};
  return {};
}

ExitStatus Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return FromWaitStatus(status);
}

ExitStatus FromWaitStatus(int status) {
  ExitStatus exit;
  if (WIFEXITED(status)) {
    exit.exit_code = WEXITSTATUS(status);
  } else {
    exit.signal = WTERMSIG(status);
  }
  return exit;
}

}  // namespace zerobuffer::platform::posix
