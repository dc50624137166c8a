// Child processes with piped standard streams: the serve's step worker, the
// scenario runner's serve processes and the multi-process test helpers.

#ifndef ZEROBUFFER_PLATFORM_SUBPROCESS_H_
#define ZEROBUFFER_PLATFORM_SUBPROCESS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/exit_status.h"  // IWYU pragma: export
#include "platform/file_descriptor.h"
#include "platform/process.h"
#include "platform/user_identity.h"

namespace zerobuffer::platform {

struct SubprocessOptions {
  // argv[0] is the path of the program (not looked up on PATH).
  std::vector<std::string> argv;
  // Added to (or replacing in) the inherited environment.
  std::vector<std::pair<std::string, std::string>> environment;
  // Streams not piped are inherited from this process.
  bool pipe_stdin = false;
  bool pipe_stdout = false;
  bool pipe_stderr = false;
  // When set, the child becomes this user before it runs the program:
  // supplementary groups dropped, then group, then user switched. Being
  // that user already takes no privilege; becoming another usually takes
  // root.
  std::optional<UserIdentity> user;
};

class Subprocess {
 public:
  // Starts the program. The child starts with default signal handling and
  // no signals blocked, whatever this process ignores (SIGPIPE) or blocks.
  // kPermissionDenied when the child may not become `options.user`,
  // kNotFound when the program does not exist; the child is gone then.
  static absl::StatusOr<Subprocess> Spawn(const SubprocessOptions& options);

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  // A child still running is killed and reaped: no test or server leaves
  // orphans behind.
  ~Subprocess();

  ProcessId pid() const { return pid_; }
  FileDescriptor& stdin_pipe() { return stdin_; }
  FileDescriptor& stdout_pipe() { return stdout_; }
  FileDescriptor& stderr_pipe() { return stderr_; }

  // SIGKILL: the child dies at once without cleaning up, like a crash.
  void KillAbruptly();

  // The exit status if the child has ended (and reaps it), else nullopt.
  std::optional<ExitStatus> TryWait();
  // Waits up to `timeout` for the child to end; nullopt on timeout.
  std::optional<ExitStatus> WaitFor(absl::Duration timeout);
  ExitStatus Wait() { return *WaitFor(absl::InfiniteDuration()); }

 private:
  Subprocess() = default;
  void Release();

  ProcessId pid_ = 0;
  // Becomes readable when the child ends (a Linux pidfd); -1 elsewhere.
  FileDescriptor exit_watch_;
  std::optional<ExitStatus> exit_status_;
  FileDescriptor stdin_;
  FileDescriptor stdout_;
  FileDescriptor stderr_;
};

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_SUBPROCESS_H_
