#include "tests/support/peer_process.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

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
  return PeerProcess(
      std::make_unique<platform::Subprocess>(*std::move(process)));
}

absl::Status PeerProcess::Post(const std::string& command) {
  return process_->stdin_pipe().WriteAll(absl::StrCat(command, "\n"));
}

absl::StatusOr<std::string> PeerProcess::AwaitReply(absl::Duration timeout) {
  return replies_->ReadLine(timeout);
}

absl::StatusOr<std::string> PeerProcess::Send(const std::string& command,
                                              absl::Duration timeout) {
  const absl::Status posted = Post(command);
  if (!posted.ok()) return posted;
  return AwaitReply(timeout);
}

absl::Status PeerProcess::Finish(absl::Duration timeout) {
  process_->stdin_pipe().Close();
  const std::optional<platform::ExitStatus> status = process_->WaitFor(timeout);
  if (!status.has_value()) {
    process_->KillAbruptly();
    process_->Wait();
    return absl::DeadlineExceededError(absl::StrCat(
        "peer PID ", pid(), " did not exit within ",
        absl::FormatDuration(timeout), " of its stdin closing and was killed"));
  }
  if (status->success() || killed_abruptly_) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("peer PID ", pid(), " ended with ", status->ToString()));
}

void PeerProcess::KillAbruptly() {
  killed_abruptly_ = true;
  process_->KillAbruptly();
  process_->Wait();
}

}  // namespace zerobuffer::testing
