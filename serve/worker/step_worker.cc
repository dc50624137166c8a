#include "serve/worker/step_worker.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/file_descriptor.h"
#include "serve/jsonrpc/framing.h"
#include "serve/jsonrpc/message.h"
#include "zerobuffer/log.h"

namespace zerobuffer::serve {
namespace {

steps::LogLevel FromLibraryLevel(zerobuffer::LogLevel level) {
  switch (level) {
    case zerobuffer::LogLevel::kDebug:
      return steps::LogLevel::kDebug;
    case zerobuffer::LogLevel::kInfo:
      return steps::LogLevel::kInformation;
    case zerobuffer::LogLevel::kWarning:
      return steps::LogLevel::kWarning;
    case zerobuffer::LogLevel::kError:
      return steps::LogLevel::kError;
  }
  return steps::LogLevel::kError;
}

Json FateJson(const steps::ProcessFate& fate) {
  return {{"DieAbruptly", fate.die_abruptly},
          {"DelayMs", absl::ToInt64Milliseconds(fate.delay)}};
}

}  // namespace

StepWorker::StepWorker(const steps::StepRegistry& registry, steps::StepLog& log,
                       absl::Duration step_time_limit)
    : registry_(registry), context_(log), executor_(registry, context_) {
  context_.set_step_time_limit(step_time_limit);
}

void StepWorker::RegisterMethods(jsonrpc::Dispatcher& dispatcher) {
  dispatcher.Register(
      "initialize", [this](const Json& params) { return Initialize(params); });
  dispatcher.Register("executeStep", [this](const Json& params) {
    return ExecuteStep(params);
  });
  dispatcher.Register("discover", [this](const Json&) -> absl::StatusOr<Json> {
    return DiscoverResponse(registry_);
  });
  dispatcher.Register("cleanup", [this](const Json&) -> absl::StatusOr<Json> {
    context_.Reset();
    return nullptr;
  });
}

absl::StatusOr<Json> StepWorker::Initialize(const Json& params) {
  absl::StatusOr<steps::ProcessIdentity> identity = ParseInitialize(params);
  if (!identity.ok()) return identity.status();
  context_.Reset();
  context_.SetIdentity(*identity);
  context_.log().Info(absl::StrCat("Initialized as '", identity->role,
                                   "' (platform ", identity->platform,
                                   ", host PID ", identity->host_pid,
                                   ", feature ", identity->feature_id, ")"));
  context_.log().TakeEntries();  // not a step: nobody collects these
  return true;
}

absl::StatusOr<Json> StepWorker::ExecuteStep(const Json& params) {
  absl::StatusOr<steps::StepRequest> request = ParseExecuteStep(params);
  if (!request.ok()) return request.status();
  const steps::StepOutcome outcome = executor_.Execute(*request);
  Json response = StepResponse(outcome);
  if (outcome.fate.die_abruptly) response["Fate"] = FateJson(outcome.fate);
  return response;
}

int RunStepWorker(absl::Duration step_time_limit, steps::LogLevel log_level,
                  size_t max_message_bytes) {
  absl::StatusOr<platform::FileDescriptor> protocol_out =
      platform::ReserveStdoutForProtocol();
  if (!protocol_out.ok()) return 2;
  platform::FileDescriptor protocol_in(0);

  steps::StepLog log(log_level);
  // Library lines (stale cleanup, warnings) join the step's own.
  zerobuffer::SetLogSink(
      [&log](zerobuffer::LogLevel level, const std::string& message) {
        log.Add(FromLibraryLevel(level), message);
      });

  // Compiled once, before the first step, rather than inside it.
  steps::StepRegistry::Global().Prepare();
  StepWorker worker(steps::StepRegistry::Global(), log, step_time_limit);
  jsonrpc::Dispatcher dispatcher;
  worker.RegisterMethods(dispatcher);
  dispatcher.SetErrorListener(
      [&log](const jsonrpc::RpcError& error, const std::string& method) {
        log.Warning(jsonrpc::DescribeError(error, method));
      });
  jsonrpc::MessageReader reader(&protocol_in, max_message_bytes,
                                jsonrpc::kRequestResponseSpin);
  jsonrpc::MessageWriter writer(&*protocol_out);
  while (true) {
    absl::StatusOr<std::string> body = reader.Read();
    if (absl::IsOutOfRange(body.status()) || absl::IsDataLoss(body.status())) {
      break;  // the front closed the pipe: time to go
    }
    if (!body.ok()) {
      log.Warning(
          absl::StrCat("Unreadable message: ", body.status().message()));
      continue;
    }
    if (std::optional<std::string> reply = dispatcher.Handle(*body)) {
      if (!writer.Write(*reply).ok()) break;
    }
  }
  worker.Reset();
  zerobuffer::SetLogSink(nullptr);
  return 0;
}

}  // namespace zerobuffer::serve
