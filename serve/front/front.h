// The serve process Harmony talks to. It owns stdin and stdout, answers
// health itself, carries out crash and shutdown, and passes everything else
// to the step worker, enforcing the per-step time limit on the way:
//
//   Harmony <-stdin/stdout-> Front <-pipes-> StepWorker (steps, buffers)
//
// A crash, a step that simulates this process dying, or a step past its
// time limit kills the worker; the next request gets a fresh worker, so
// Harmony keeps talking to what looks like a new process on the same pipes.

#ifndef ZEROBUFFER_SERVE_FRONT_FRONT_H_
#define ZEROBUFFER_SERVE_FRONT_FRONT_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "platform/file_descriptor.h"
#include "serve/front/worker_process.h"
#include "serve/harmony/messages.h"
#include "serve/jsonrpc/framing.h"
#include "serve/jsonrpc/message.h"
#include "steps/step_log.h"

namespace zerobuffer::serve {

struct FrontOptions {
  absl::Duration step_time_limit = absl::Seconds(30);
  size_t max_message_bytes = 64 << 20;
  // How long the worker gets to release its buffers when stdin closes.
  absl::Duration shutdown_grace = absl::Milliseconds(900);
  std::vector<std::string> worker_argv;
};

class Front {
 public:
  // `in` and `out` are Harmony's pipes (not owned).
  Front(FrontOptions options, platform::FileDescriptor* in,
        platform::FileDescriptor* out, steps::StepLog& log);

  // Serves until stdin closes or shutdown is requested; returns the exit
  // code.
  int Run();

  // Whether a worker ended without releasing its buffers.
  bool abandoned_resources() const { return worker_.abandoned_resources(); }

 private:
  using Clock = std::chrono::steady_clock;

  // What to do once the answer to a request is on its way.
  enum class After { kContinue, kKillWorker, kExit };

  // Answers one request body; nullopt for notifications.
  std::optional<std::string> Handle(const std::string& body, After& after);
  std::string Forward(const jsonrpc::Request& request, const std::string& body);
  std::string ExecuteStep(const jsonrpc::Request& request,
                          const std::string& body, After& after);
  // The error answer, logged as a warning: a request we cannot serve is the
  // sender's mistake, and stderr is where Harmony shows it.
  std::string ErrorReply(const jsonrpc::RpcError& error,
                         const std::string& method);
  // Our own log lines join the step's, so Harmony shows them too.
  void AppendOwnLogs(Json& step_response);

  const FrontOptions options_;
  steps::StepLog& log_;
  jsonrpc::MessageReader reader_;
  jsonrpc::MessageWriter writer_;
  WorkerProcess worker_;
  // A step asked for this process to die a while after its answer.
  std::optional<Clock::time_point> scheduled_death_;
};

}  // namespace zerobuffer::serve

#endif  // ZEROBUFFER_SERVE_FRONT_FRONT_H_
