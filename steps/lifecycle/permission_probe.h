// Scenario 10.6: a buffer created with owner-only permissions, and a writer
// of another OS user trying to connect to it. The serves run as one user
// (as root, whom file modes do not stop), so the attempt runs in a child
// process that has become the other user. A process that may not switch
// users (not root, no CAP_SETUID) checks what it can instead: the objects'
// modes and owner, and that their owner connects.

#ifndef ZEROBUFFER_STEPS_LIFECYCLE_PERMISSION_PROBE_H_
#define ZEROBUFFER_STEPS_LIFECYCLE_PERMISSION_PROBE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/privileges.h"
#include "zerobuffer/errors.h"

namespace zerobuffer::steps {

// "with restrictive permissions": owner read and write only.
inline constexpr uint32_t kRestrictiveMode = 0600;

// OK when the segment, both semaphores and the lock files of buffer `name`
// all have permission bits `mode` (and, when given, belong to user
// `owner_uid`); otherwise a failure listing the others. Fails as not
// applicable where the objects are not files.
absl::Status ExpectObjectModes(const std::string& name, uint32_t mode,
                               std::optional<uint32_t> owner_uid = {});

// ExpectObjectModes for kRestrictiveMode and this process's user, whose uid
// it returns. Fails with the reason when that user cannot be told, rather
// than check the modes alone.
absl::StatusOr<uint32_t> ExpectOwnerOnly(const std::string& name);

// The OS user standing for the account a sentence names: that account if
// it exists here, else the unprivileged "nobody".
struct ActingUser {
  std::string account;
  platform::UserIdentity identity;
  bool stand_in = false;

  std::string Describe() const;
};
absl::StatusOr<ActingUser> ResolveActingUser(const std::string& account);

struct ConnectOutcome {
  bool connected = false;
  // Set when the library threw; the message is set whenever it failed.
  std::optional<ErrorCode> error;
  std::string message;
};

// Connects a Writer to buffer `name` as `user` (and disconnects it at once
// if that works). kPermissionDenied (or kUnimplemented) when this process
// cannot act as `user`.
absl::StatusOr<ConnectOutcome> ConnectAs(const platform::UserIdentity& user,
                                         const std::string& name,
                                         absl::Duration timeout);

// The same, as the user this process runs as.
ConnectOutcome ConnectHere(const std::string& name);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_LIFECYCLE_PERMISSION_PROBE_H_
