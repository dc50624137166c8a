// The process that runs steps. The serve front starts it and speaks
// JSON-RPC to it over a pipe pair: initialize, executeStep, discover and
// cleanup arrive exactly as Harmony sent them; executeStep results carry an
// extra "Fate" member when the step asked for this process to die, which
// the front strips and carries out.
//
// Keeping steps (and the buffers they own) in a separate process is what
// lets a crash be a real crash, a SIGKILL that leaves the resources behind,
// while the front keeps answering on Harmony's pipes as a fresh process.

#ifndef ZEROBUFFER_SERVE_WORKER_STEP_WORKER_H_
#define ZEROBUFFER_SERVE_WORKER_STEP_WORKER_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "serve/harmony/messages.h"
#include "serve/jsonrpc/dispatcher.h"
#include "steps/context.h"
#include "steps/executor.h"
#include "steps/registry.h"
#include "steps/step_log.h"

namespace zerobuffer::serve {

class StepWorker {
 public:
  StepWorker(const steps::StepRegistry& registry, steps::StepLog& log,
             absl::Duration step_time_limit);

  void RegisterMethods(jsonrpc::Dispatcher& dispatcher);

  // Drops every reader, writer and background task (removing the buffers
  // this process owns).
  void Reset() { context_.Reset(); }

 private:
  absl::StatusOr<Json> Initialize(const Json& params);
  absl::StatusOr<Json> ExecuteStep(const Json& params);

  const steps::StepRegistry& registry_;
  steps::StepContext context_;
  steps::StepExecutor executor_;
};

// Serves JSON-RPC on this process's stdin and stdout until stdin closes,
// then releases everything and returns the exit code.
int RunStepWorker(absl::Duration step_time_limit, steps::LogLevel log_level,
                  size_t max_message_bytes);

}  // namespace zerobuffer::serve

#endif  // ZEROBUFFER_SERVE_WORKER_STEP_WORKER_H_
