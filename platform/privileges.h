// Users, file ownership, and running a piece of code as another user: what
// a test needs to check that a buffer's permissions keep other users out.

#ifndef ZEROBUFFER_PLATFORM_PRIVILEGES_H_
#define ZEROBUFFER_PLATFORM_PRIVILEGES_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zerobuffer::platform {

struct UserIdentity {
  uint32_t uid = 0;
  uint32_t gid = 0;
};

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

// Runs `task` in a child process that has become `user` (supplementary
// groups dropped, then group, then user switched) and returns the text the
// task produced. The child ends as soon as the task returns, without running
// this process's destructors or exit handlers, so the task must clean up
// what it creates and must not rely on other threads of this process.
//
// kPermissionDenied when this process may not become `user`;
// kDeadlineExceeded when the child did not finish within `timeout` (it is
// then killed); kAborted when the task threw (the message says what);
// kInternal when the child died without reporting.
absl::StatusOr<std::string> RunAsUser(const UserIdentity& user,
                                      const std::function<std::string()>& task,
                                      absl::Duration timeout);

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_PRIVILEGES_H_
