// A peer process for multi-process tests: //tests/multiprocess:zb_peer
// driven one command line at a time over its stdin, answering one line each
// on its stdout (see peer_main.cc for the commands).

#ifndef ZEROBUFFER_TESTS_SUPPORT_PEER_PROCESS_H_
#define ZEROBUFFER_TESTS_SUPPORT_PEER_PROCESS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/subprocess.h"
#include "tests/support/pipe_reader.h"

namespace zerobuffer::testing {

class PeerProcess {
 public:
  // Starts the peer binary named by $ZB_PEER (set by the BUILD rule).
  static absl::StatusOr<PeerProcess> Start();

  // Sends `command` without waiting for the answer.
  absl::Status Post(const std::string& command);
  // The next answer line, or kDeadlineExceeded when none came in time
  // (kUnavailable when the peer exited).
  absl::StatusOr<std::string> AwaitReply(absl::Duration timeout);
  // Post + AwaitReply.
  absl::StatusOr<std::string> Send(const std::string& command,
                                   absl::Duration timeout = absl::Seconds(30));

  // Closes the peer's stdin, so it closes its reader and writer and exits,
  // and waits for that. OK when it exits with code 0, or was killed with
  // KillAbruptly before; otherwise an error saying how it ended. A peer that
  // does not exit within `timeout` is killed, and that is an error too.
  absl::Status Finish(absl::Duration timeout = absl::Seconds(10));

  platform::ProcessId pid() const { return process_->pid(); }
  // SIGKILL and reap: the peer dies like a crash, leaving its objects.
  void KillAbruptly();

 private:
  explicit PeerProcess(std::unique_ptr<platform::Subprocess> process)
      : process_(std::move(process)),
        replies_(std::make_unique<PipeReader>(&process_->stdout_pipe())) {}

  // Heap-held, so the reader's pointer to the pipe survives moves.
  std::unique_ptr<platform::Subprocess> process_;
  std::unique_ptr<PipeReader> replies_;
  bool killed_abruptly_ = false;
};

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_PEER_PROCESS_H_
