// Windows identifies users by SIDs and guards objects with ACLs, and a
// process cannot fork to run a function under another token: the POSIX
// model of this component does not carry over, so every call says so.

#include "absl/strings/str_cat.h"
#include "platform/privileges.h"

namespace zerobuffer::platform {
namespace {

absl::Status NotOnWindows(const std::string& what) {
  return absl::UnimplementedError(absl::StrCat(
      what, " is not implemented on Windows, where users are SIDs and ",
      "objects are guarded by ACLs rather than owner ids and mode bits"));
}

}  // namespace

absl::StatusOr<UserIdentity> CurrentUser() {
  return NotOnWindows("CurrentUser");
}

absl::StatusOr<UserIdentity> LookupUser(const std::string& name) {
  return NotOnWindows(absl::StrCat("LookupUser(", name, ")"));
}

absl::StatusOr<FileOwnership> GetFileOwnership(const std::string& path) {
  return NotOnWindows(absl::StrCat("GetFileOwnership(", path, ")"));
}

absl::StatusOr<std::string> RunAsUser(const UserIdentity&,
                                      const std::function<std::string()>&,
                                      absl::Duration) {
  return NotOnWindows("RunAsUser");
}

}  // namespace zerobuffer::platform
