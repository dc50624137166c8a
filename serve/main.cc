// serve: the ZeroBuffer step server for the Harmony orchestrator.
//
// Harmony starts it once per role of a scenario, with no arguments, and
// speaks Content-Length framed JSON-RPC 2.0 on its stdin and stdout
// (harmony-contract.md). Logs go to stderr. Run with --help for the flags.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "platform/file_descriptor.h"
#include "platform/process.h"
#include "serve/front/front.h"
#include "serve/help_usage.h"
#include "serve/worker/step_worker.h"
#include "steps/step_log.h"
#include "zerobuffer/stale_cleanup.h"

ABSL_FLAG(absl::Duration, step_timeout, absl::Seconds(30),
          "How long one step may run before it fails with a timeout and the "
          "step worker is replaced.");
ABSL_FLAG(std::string, log_level, "",
          "Lowest level logged to stderr and returned with steps: TRACE, "
          "DEBUG, INFO, WARNING, ERROR. Default: $ZEROBUFFER_LOG_LEVEL, else "
          "INFO.");
ABSL_FLAG(int64_t, max_message_bytes, 64 << 20,
          "Largest JSON-RPC message body accepted, 1 byte to 1 GiB; larger "
          "ones are skipped with an error.");
ABSL_FLAG(bool, worker, false,
          "Internal: run as the step worker the serve front starts.");

namespace zerobuffer::serve {
namespace {

// Far above any real message, and still an allocation a small machine makes.
constexpr int64_t kLargestMessageCap = int64_t{1} << 30;

// A bad flag is the operator's mistake, reported before anything starts.
// A bad ZEROBUFFER_LOG_LEVEL only warns: the environment is inherited, and
// the serve must still start under Harmony.
absl::StatusOr<steps::LogLevel> LogLevelFromFlagOrEnvironment() {
  const std::string flag = absl::GetFlag(FLAGS_log_level);
  if (!flag.empty()) {
    if (std::optional<steps::LogLevel> level = steps::ParseLogLevel(flag)) {
      return *level;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "--log_level=", flag,
        " is not a level; use TRACE, DEBUG, INFO, WARNING or ERROR"));
  }
  const char* from_environment = std::getenv("ZEROBUFFER_LOG_LEVEL");
  if (from_environment == nullptr) return steps::LogLevel::kInformation;
  if (std::optional<steps::LogLevel> level =
          steps::ParseLogLevel(from_environment)) {
    return *level;
  }
  absl::FPrintF(stderr,
                "serve: ZEROBUFFER_LOG_LEVEL=%s is not a level; using INFO\n",
                from_environment);
  return steps::LogLevel::kInformation;
}

absl::Status ValidateLimits() {
  const absl::Duration step_timeout = absl::GetFlag(FLAGS_step_timeout);
  if (step_timeout <= absl::ZeroDuration() ||
      step_timeout == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--step_timeout=", absl::FormatDuration(step_timeout),
                     " must be a finite duration above zero, e.g. 30s"));
  }
  const int64_t max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  if (max_message_bytes <= 0 || max_message_bytes > kLargestMessageCap) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max_message_bytes=", max_message_bytes, " must be between 1 and ",
        kLargestMessageCap, " (1 GiB)"));
  }
  return absl::OkStatus();
}

int RunFront(steps::LogLevel log_level) {
  platform::IgnoreBrokenPipeSignal();
  absl::StatusOr<platform::FileDescriptor> protocol_out =
      platform::ReserveStdoutForProtocol();
  absl::StatusOr<std::string> executable = platform::CurrentExecutablePath();
  if (!protocol_out.ok() || !executable.ok()) {
    absl::FPrintF(stderr, "serve: cannot start: %s %s\n",
                  protocol_out.status().ToString(),
                  executable.status().ToString());
    return 2;
  }
  platform::FileDescriptor protocol_in(0);
  if (protocol_in.IsTerminal()) {
    absl::FPrintF(stderr,
                  "serve: waiting for Content-Length framed JSON-RPC on stdin "
                  "(this is Harmony's step server; see --help)\n");
  }

  FrontOptions options;
  options.step_time_limit = absl::GetFlag(FLAGS_step_timeout);
  options.max_message_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_max_message_bytes));
  options.worker_argv = {
      *executable, "--worker",
      absl::StrCat("--step_timeout=",
                   absl::FormatDuration(options.step_time_limit)),
      absl::StrCat("--log_level=", steps::LogLevelName(log_level)),
      absl::StrCat("--max_message_bytes=", options.max_message_bytes)};
  steps::StepLog log(log_level);
  Front front(options, &protocol_in, &*protocol_out, log);
  const int exit_code = front.Run();
  if (front.abandoned_resources()) {
    // A crashed or replaced worker left its buffers; their owner is gone
    // now, so they are stale, and this is the last chance to tidy up.
    const StaleCleanupReport report = CleanupStaleResources();
    for (const std::string& name : report.removed_buffers) {
      log.Info(absl::StrCat("Removed stale buffer ", name));
    }
  }
  return exit_code;
}

}  // namespace
}  // namespace zerobuffer::serve

int main(int argc, char** argv) {
  zerobuffer::serve::SetHelpUsage(
      __FILE__,
      "ZeroBuffer step server for the Harmony orchestrator: JSON-RPC 2.0 with "
      "Content-Length framing on stdin/stdout, logs on stderr.");
  absl::ParseCommandLine(argc, argv);
  const absl::StatusOr<zerobuffer::steps::LogLevel> log_level =
      zerobuffer::serve::LogLevelFromFlagOrEnvironment();
  const absl::Status limits = zerobuffer::serve::ValidateLimits();
  for (const absl::Status& status : {log_level.status(), limits}) {
    if (!status.ok()) {
      absl::FPrintF(stderr, "serve: %s\n", status.message());
      return 2;
    }
  }
  if (absl::GetFlag(FLAGS_worker)) {
    return zerobuffer::serve::RunStepWorker(
        absl::GetFlag(FLAGS_step_timeout), *log_level,
        static_cast<size_t>(absl::GetFlag(FLAGS_max_message_bytes)));
  }
  return zerobuffer::serve::RunFront(*log_level);
}
