// The step worker as the front sees it: a child process spoken to over
// JSON-RPC, started on demand, and replaced when it dies or is killed.

#ifndef ZEROBUFFER_SERVE_FRONT_WORKER_PROCESS_H_
#define ZEROBUFFER_SERVE_FRONT_WORKER_PROCESS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/subprocess.h"
#include "serve/jsonrpc/framing.h"

namespace zerobuffer::serve {

class WorkerProcess {
 public:
  // `argv` starts the worker.
  WorkerProcess(std::vector<std::string> argv, size_t max_message_bytes);
  ~WorkerProcess() { Kill(); }

  // The initialize request to replay into every new worker, so a
  // replacement knows who it is.
  void RememberInitialize(std::string body) {
    initialize_body_ = std::move(body);
  }

  // Sends `body` and waits for the answer, starting a worker first if none
  // runs. kDeadlineExceeded when the answer did not come in time (the worker
  // is then still busy); kUnavailable when the worker died, saying how.
  absl::StatusOr<std::string> Call(const std::string& body,
                                   absl::Duration timeout);

  // Sends a notification (no answer expected).
  absl::Status Notify(const std::string& body);

  // SIGKILL and reap: the worker dies like a crashed process, leaving the
  // buffers it owned behind. The next Call starts a new one.
  void Kill();

  // Closes the worker's stdin so it releases everything and exits; kills it
  // if it has not exited within `grace`. False when it had to be killed.
  bool Stop(absl::Duration grace);

  // Whether a worker ever ended without releasing its buffers (killed, or
  // died on its own), so they may be left behind.
  bool abandoned_resources() const { return abandoned_resources_; }

 private:
  absl::Status EnsureRunning();
  absl::StatusOr<std::string> Exchange(const std::string& body,
                                       absl::Duration timeout);
  // Turns "the pipe closed" into how the worker ended.
  absl::Status Died();
  // Forgets the (ended) worker.
  void Release();

  const std::vector<std::string> argv_;
  const size_t max_message_bytes_;
  std::optional<std::string> initialize_body_;
  // Heap-held so the reader and writer can point at its pipes.
  std::unique_ptr<platform::Subprocess> process_;
  std::unique_ptr<jsonrpc::MessageReader> reader_;
  std::unique_ptr<jsonrpc::MessageWriter> writer_;
  bool abandoned_resources_ = false;
};

}  // namespace zerobuffer::serve

#endif  // ZEROBUFFER_SERVE_FRONT_WORKER_PROCESS_H_
