// Users, file ownership, and running a piece of code as another user: what
// a test needs to check that a buffer's permissions keep other users out.
// To run a program as another user, see SubprocessOptions::user.

#ifndef ZEROBUFFER_PLATFORM_PRIVILEGES_H_
#define ZEROBUFFER_PLATFORM_PRIVILEGES_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/user_identity.h"  // IWYU pragma: export

namespace zerobuffer::platform {

// The effective user and group of this process.
absl::StatusOr<UserIdentity> CurrentUser();

// The account called `name`; kNotFound when there is none.
absl::StatusOr<UserIdentity> LookupUser(const std::string& name);

struct FileOwnership {
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t mode = 0;  // the permission bits (07777)
};

// Who owns `path` and its permission bits; kNotFound when it does not exist.
absl::StatusOr<FileOwnership> GetFileOwnership(const std::string& path);

// Runs `task` in a forked child process that has become `user` (as
// SubprocessOptions::user describes) and returns the text the task
// produced. The child ends as soon as the task returns, without running
// this process's destructors or exit handlers, so the task must clean up
// what it creates.
//
// The child is a copy of this process made by fork() without exec, holding
// only the thread that called RunAsUser. Any lock another thread held at
// that moment stays locked in the child for good: glibc keeps malloc and
// stdio usable, but a task that takes any other lock (a logger's, a
// library's registry) can hang until `timeout` kills it. In a process with
// threads, prefer a program run through Subprocess with
// SubprocessOptions::user, which execs and so starts afresh.
//
// kPermissionDenied when this process may not become `user`;
// kDeadlineExceeded when the child did not finish within `timeout` (it is
// then killed; absl::InfiniteDuration() waits without limit); kAborted when
// the task threw (the message says what); kInternal when the child died
// without reporting.
absl::StatusOr<std::string> RunAsUser(const UserIdentity& user,
                                      const std::function<std::string()>& task,
                                      absl::Duration timeout);

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_PRIVILEGES_H_
