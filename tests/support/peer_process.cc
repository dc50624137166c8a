#include "tests/support/peer_process.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "zerobuffer/deadline.h"

namespace zerobuffer::testing {

absl::StatusOr<PeerProcess> PeerProcess::Start() {
  const char* path = std::getenv("ZB_PEER");
  if (path == nullptr) {
    return absl::FailedPreconditionError("ZB_PEER is not set");
  }
  platform::SubprocessOptions options;
  options.argv = {path};
  options.pipe_stdin = true;
  options.pipe_stdout = true;
  absl::StatusOr<platform::Subprocess> process =
      platform::Subprocess::Spawn(options);
  if (!process.ok()) return process.status();
  return PeerProcess(*std::move(process));
}

absl::Status PeerProcess::Post(const std::string& command) {
  return process_.stdin_pipe().WriteAll(absl::StrCat(command, "\n"));
}

absl::StatusOr<std::string> PeerProcess::AwaitReply(absl::Duration timeout) {
  const Deadline deadline = Deadline::After(absl::ToChronoNanoseconds(timeout));
  while (true) {
    const size_t newline = pending_.find('\n');
    if (newline != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      return line;
    }
    absl::StatusOr<bool> readable = process_.stdout_pipe().WaitReadable(
        deadline.RemainingAtMost(std::chrono::hours(1)));
    if (!readable.ok()) return readable.status();
    if (!*readable) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no answer from peer within ", absl::FormatDuration(timeout)));
    }
    char buffer[4096];
    absl::StatusOr<size_t> got =
        process_.stdout_pipe().ReadSome(buffer, sizeof(buffer));
    if (!got.ok()) return got.status();
    if (*got == 0) return absl::UnavailableError("peer exited");
    pending_.append(buffer, *got);
  }
}

absl::StatusOr<std::string> PeerProcess::Send(const std::string& command,
                                              absl::Duration timeout) {
  const absl::Status posted = Post(command);
  if (!posted.ok()) return posted;
  return AwaitReply(timeout);
}

platform::ExitStatus PeerProcess::Finish(absl::Duration timeout) {
  process_.stdin_pipe().Close();
  if (std::optional<platform::ExitStatus> status = process_.WaitFor(timeout)) {
    return *status;
  }
  process_.KillAbruptly();
  return process_.Wait();
}

void PeerProcess::KillAbruptly() {
  process_.KillAbruptly();
  process_.Wait();
}

}  // namespace zerobuffer::testing
