#include "serve/front/front.h"

#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"

namespace zerobuffer::serve {
namespace {

constexpr char kFateMember[] = "Fate";

// How long the front waits for the worker's answer to something that is
// not a step.
constexpr absl::Duration kHousekeepingTimeout = absl::Seconds(10);

}  // namespace

Front::Front(FrontOptions options, platform::FileDescriptor* in,
             platform::FileDescriptor* out, steps::StepLog& log)
    : options_(std::move(options)),
      log_(log),
      reader_(in, options_.max_message_bytes, jsonrpc::kRequestResponseSpin),
      writer_(out),
      worker_(options_.worker_argv, options_.max_message_bytes) {}

int Front::Run() {
  while (true) {
    absl::Duration wait = absl::InfiniteDuration();
    if (scheduled_death_.has_value()) {
      wait = std::max(absl::FromChrono(*scheduled_death_ - Clock::now()),
                      absl::ZeroDuration());
    }
    absl::StatusOr<std::string> body = reader_.Read(wait);
    if (absl::IsDeadlineExceeded(body.status())) {
      log_.Info("Simulated crash: killing the step worker now");
      worker_.Kill();
      scheduled_death_.reset();
      continue;
    }
    if (absl::IsOutOfRange(body.status()) || absl::IsDataLoss(body.status())) {
      break;  // Harmony closed stdin: the scenario is over
    }
    if (!body.ok()) {
      // Unframeable input has no id to answer; say so to whoever reads.
      writer_
          .Write(ErrorReply(
              {jsonrpc::kParseError,
               absl::StrCat("Bad message framing: ", body.status().message()),
               nullptr},
              ""))
          .IgnoreError();
      continue;
    }
    After after = After::kContinue;
    const std::optional<std::string> reply = Handle(*body, after);
    // Written straight to the pipe, so it is out before anything below.
    const bool delivered = !reply.has_value() || writer_.Write(*reply).ok();
    // The answer first, then the death (contract 5.4): Harmony fails a crash
    // whose answer does not come. The worker is reaped here, before the next
    // message is read, so every later step meets its death.
    if (after == After::kKillWorker) worker_.Kill();
    if (!delivered || after == After::kExit) break;
  }
  if (!worker_.Stop(options_.shutdown_grace)) {
    log_.Warning(absl::StrCat(
        "The step worker did not exit within ",
        absl::FormatDuration(options_.shutdown_grace),
        " of the end of input and was killed; its buffers may remain"));
  }
  return 0;
}

std::optional<std::string> Front::Handle(const std::string& body,
                                         After& after) {
  std::variant<jsonrpc::Request, jsonrpc::RpcError> parsed =
      jsonrpc::ParseRequest(body);
  if (const auto* error = std::get_if<jsonrpc::RpcError>(&parsed)) {
    return ErrorReply(*error, "");
  }
  const jsonrpc::Request& request = std::get<jsonrpc::Request>(parsed);
  const bool for_worker =
      request.method == "initialize" || request.method == "executeStep" ||
      request.method == "discover" || request.method == "cleanup";
  if (request.is_notification && for_worker) {
    worker_.Notify(body).IgnoreError();  // executed, never answered
    return std::nullopt;
  }
  std::string reply;
  if (request.method == "health") {
    reply = jsonrpc::SerializeResult(request.id, true);
  } else if (request.method == "crash") {
    // The worker owns the buffers, so its SIGKILL is the crash; this
    // process stays to answer on Harmony's pipes as a fresh one would.
    log_.Info("crash requested: the step worker dies abruptly once answered");
    after = After::kKillWorker;
    reply = jsonrpc::SerializeResult(request.id, nullptr);
  } else if (request.method == "shutdown") {
    after = After::kExit;
    reply = jsonrpc::SerializeResult(request.id, nullptr);
  } else if (request.method == "executeStep") {
    reply = ExecuteStep(request, body, after);
  } else if (for_worker) {
    reply = Forward(request, body);
    if (request.method == "initialize") {
      // Replayed into every replacement worker (not into the one that just
      // answered it).
      worker_.RememberInitialize(body);
      if (absl::StatusOr<steps::ProcessIdentity> identity =
              ParseInitialize(request.params);
          identity.ok()) {
        log_.SetSource(identity->role);
      }
    }
  } else {
    reply = ErrorReply(
        {jsonrpc::kMethodNotFound,
         absl::StrCat("Method not found: ", request.method), request.id},
        request.method);
  }
  if (request.is_notification) return std::nullopt;
  return reply;
}

std::string Front::Forward(const jsonrpc::Request& request,
                           const std::string& body) {
  absl::StatusOr<std::string> answer = worker_.Call(body, kHousekeepingTimeout);
  if (absl::IsDeadlineExceeded(answer.status())) worker_.Kill();
  if (!answer.ok()) {
    return ErrorReply({jsonrpc::kInternalError,
                       std::string(answer.status().message()), request.id},
                      request.method);
  }
  return *answer;
}

std::string Front::ExecuteStep(const jsonrpc::Request& request,
                               const std::string& body, After& after) {
  absl::StatusOr<steps::StepRequest> step = ParseExecuteStep(request.params);
  if (!step.ok()) {
    return ErrorReply({jsonrpc::kInvalidParams,
                       std::string(step.status().message()), request.id},
                      request.method);
  }
  absl::StatusOr<std::string> answer =
      worker_.Call(body, options_.step_time_limit);
  Json response;
  if (absl::IsDeadlineExceeded(answer.status())) {
    // The worker is stuck in the step; only a new one is safe to reuse.
    worker_.Kill();
    response = FailedStepResponse(absl::StrCat(
        "Step execution timeout after ",
        absl::FormatDuration(options_.step_time_limit), ": '", step->text,
        "'; the step worker was replaced and its buffers are gone"));
  } else if (!answer.ok()) {
    response = FailedStepResponse(absl::StrCat(
        answer.status().message(), " while running '", step->text, "'"));
  } else {
    absl::StatusOr<jsonrpc::Response> parsed = jsonrpc::ParseResponse(*answer);
    if (!parsed.ok() || !parsed->result.has_value()) {
      return *answer;  // an error from the worker: pass it on unchanged
    }
    response = *std::move(parsed->result);
    if (response.contains(kFateMember)) {
      const Json fate = response[kFateMember];
      response.erase(kFateMember);
      const int64_t delay_ms = fate.value("DelayMs", int64_t{0});
      if (delay_ms <= 0) {
        after = After::kKillWorker;
      } else {
        scheduled_death_ = Clock::now() + std::chrono::milliseconds(delay_ms);
      }
    }
  }
  AppendOwnLogs(response);
  return jsonrpc::SerializeResult(request.id, response);
}

std::string Front::ErrorReply(const jsonrpc::RpcError& error,
                              const std::string& method) {
  log_.Warning(jsonrpc::DescribeError(error, method));
  return jsonrpc::SerializeError(error.id, error.code, error.message);
}

void Front::AppendOwnLogs(Json& step_response) {
  for (const steps::LogEntry& entry : log_.TakeEntries()) {
    step_response["Logs"].push_back(LogEntryJson(entry));
  }
}

}  // namespace zerobuffer::serve
