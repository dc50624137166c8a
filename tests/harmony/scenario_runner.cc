#include "tests/harmony/scenario_runner.h"

#include <optional>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/process.h"
#include "tests/harmony/buffer_cleanup.h"
#include "tests/harmony/harmony_requests.h"
#include "tests/harmony/routing.h"
#include "tests/harmony/serve_connection.h"
#include "tests/harmony/step_response.h"

namespace zerobuffer::harmony {
namespace {

// Harmony's fixed pauses after the lifecycle calls (contract §7).
constexpr absl::Duration kAfterCrash = absl::Milliseconds(500);
constexpr absl::Duration kAfterShutdown = absl::Seconds(1);

constexpr char kBroadcastLabel[] = "broadcast";
constexpr char kHarmonyLabel[] = "harmony";
constexpr char kDefaultPlatform[] = "cpp";
constexpr char kAnyRole[] = "*";

bool IsWindowsOnly(const Feature& feature, const Scenario& scenario) {
  for (const std::vector<std::string>* tags : {&feature.tags, &scenario.tags}) {
    for (const std::string& tag : *tags) {
      if (absl::EqualsIgnoreCase(tag, "@windows")) return true;
    }
  }
  return false;
}

// The serves of one scenario run, by role, and what Harmony does with them.
class ScenarioProcesses {
 public:
  ScenarioProcesses(const RunnerOptions& options, platform::ProcessId host_pid,
                    int feature_id)
      : options_(options), host_pid_(host_pid), feature_id_(feature_id) {}

  // Starts `role`'s serve, checks its health, initializes it and waits
  // Harmony's initialization delay (contract §2.3.2).
  absl::Status Start(const std::string& role);

  // Carries out one routed step; the error is the message Harmony would
  // fail the step with.
  absl::Status Perform(const RoutedStep& step);

  // Harmony's stop for every process, all at once as Harmony does.
  void StopAll();

 private:
  absl::Status Execute(const RoutedStep& step);
  // One copy of a step for one process; nullopt when it succeeded, else
  // the error Harmony records for that process.
  std::optional<std::string> ExecuteOn(const RoutedStep& step,
                                       const std::string& role,
                                       bool is_broadcast);
  absl::Status Lifecycle(const RoutedStep& step);

  const RunnerOptions& options_;
  const platform::ProcessId host_pid_;
  const int feature_id_;
  // In start order: the targets of a broadcast.
  std::vector<std::string> roles_;
  std::map<std::string, ServeConnection> connections_;
};

absl::Status ScenarioProcesses::Start(const std::string& role) {
  auto command = options_.serve_commands.find(role);
  if (command == options_.serve_commands.end()) {
    command = options_.serve_commands.find(kAnyRole);
  }
  if (command == options_.serve_commands.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no serve command for process '", role, "'"));
  }
  const auto platform_entry = options_.platforms.find(role);
  const std::string platform = platform_entry == options_.platforms.end()
                                   ? kDefaultPlatform
                                   : platform_entry->second;

  absl::StatusOr<ServeConnection> started = ServeConnection::Start(
      command->second, {{"HARMONY_HOST_PID", absl::StrCat(host_pid_)},
                        {"HARMONY_FEATURE_ID", absl::StrCat(feature_id_)}});
  if (!started.ok()) {
    return absl::Status(started.status().code(),
                        absl::StrCat("Failed to start process '", role,
                                     "': ", started.status().message()));
  }
  ServeConnection& connection =
      connections_.emplace(role, *std::move(started)).first->second;
  roles_.push_back(role);

  // Harmony turns a RemoteInvocationException into "false".
  absl::StatusOr<Json> health =
      connection.Call("health", Json::array(), options_.call_timeout);
  if (!health.ok() && !IsRemoteInvocationError(health.status())) {
    return absl::Status(health.status().code(),
                        absl::StrCat("health of process '", role,
                                     "': ", health.status().message()));
  }
  if (!health.ok() || *health != Json(true)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Process health check failed for '", role,
        "': ", health.ok() ? health->dump() : health.status().message()));
  }

  absl::StatusOr<Json> initialized = connection.Call(
      "initialize",
      Json::array({InitializeRequest(role, platform, host_pid_, feature_id_)}),
      options_.call_timeout);
  if (!initialized.ok()) {
    return absl::Status(
        initialized.status().code(),
        absl::StrCat("Failed to initialize servo process '", role,
                     "': ", initialized.status().message()));
  }
  if (initialized->is_null()) {
    // Harmony reads the result as a non-nullable bool.
    return absl::FailedPreconditionError(
        absl::StrCat("Failed to initialize servo process '", role,
                     "': initialize returned null; Harmony needs a boolean"));
  }

  absl::SleepFor(options_.process_init_delay);
  return absl::OkStatus();
}

absl::Status ScenarioProcesses::Perform(const RoutedStep& step) {
  switch (step.action) {
    case RoutedStep::Action::kExecute:
      return Execute(step);
    case RoutedStep::Action::kWait:
      if (step.wait_seconds < 0) {
        return absl::InvalidArgumentError(
            "the number of seconds does not fit an int; Harmony's int.Parse "
            "fails");
      }
      absl::SleepFor(absl::Seconds(step.wait_seconds));
      return absl::OkStatus();
    case RoutedStep::Action::kShutdown:
    case RoutedStep::Action::kKill:
    case RoutedStep::Action::kCrash:
      return Lifecycle(step);
  }
  return absl::InternalError("unknown step action");
}

std::optional<std::string> ScenarioProcesses::ExecuteOn(const RoutedStep& step,
                                                        const std::string& role,
                                                        bool is_broadcast) {
  const auto connection = connections_.find(role);
  if (connection == connections_.end()) {
    return absl::StrCat(role, ": No connection for process '", role, "'");
  }
  Json request =
      ExecuteStepRequest(role, step.type, step.step->text, is_broadcast);
  if (options_.send_tables && !step.step->table.empty()) {
    request["Table"] = step.step->table;
  }

  absl::StatusOr<Json> result = connection->second.Call(
      "executeStep", Json::array({request}), options_.call_timeout);
  if (!result.ok()) {
    // JsonRpcServoClient turns a RemoteInvocationException into a failed
    // StepResponse; every other exception is prefixed with the process.
    if (IsRemoteInvocationError(result.status())) {
      return absl::StrCat("Remote execution failed: ",
                          result.status().message());
    }
    return absl::StrCat(role, ": ", result.status().message());
  }
  absl::StatusOr<StepReply> reply = ReadStepResponse(*result);
  if (!reply.ok()) return absl::StrCat(role, ": ", reply.status().message());
  if (!reply->success) return reply->error;
  return std::nullopt;
}

absl::Status ScenarioProcesses::Execute(const RoutedStep& step) {
  if (step.process.has_value()) {
    std::optional<std::string> error = ExecuteOn(step, *step.process, false);
    if (!error.has_value()) return absl::OkStatus();
    return absl::AbortedError(absl::StrCat("Execution failed: ", *error));
  }

  // A broadcast goes to every process at once (Task.WhenAll), each copy
  // carrying the receiver's own name.
  std::vector<std::optional<std::string>> errors(roles_.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < roles_.size(); ++i) {
    threads.emplace_back(
        [&, i] { errors[i] = ExecuteOn(step, roles_[i], true); });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<std::string> failures;
  for (const std::optional<std::string>& error : errors) {
    if (error.has_value()) failures.push_back(*error);
  }
  if (failures.empty()) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat("Broadcast failed on: ", absl::StrJoin(failures, ", ")));
}

absl::Status ScenarioProcesses::Lifecycle(const RoutedStep& step) {
  const std::string& role = step.target_process;
  const auto connection = connections_.find(role);
  if (connection == connections_.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("Process '", role, "' is not part of this scenario"));
  }
  switch (step.action) {
    case RoutedStep::Action::kKill:
      connection->second.Stop();
      return absl::OkStatus();
    case RoutedStep::Action::kCrash: {
      // Harmony passes its CancellationToken as the one argument.
      const Json token = {{"IsCancellationRequested", false},
                          {"CanBeCanceled", false}};
      absl::StatusOr<Json> reply = connection->second.Call(
          "crash", Json::array({token}), options_.call_timeout);
      if (!reply.ok()) {
        return absl::Status(reply.status().code(),
                            absl::StrCat("Failed to crashes process '", role,
                                         "': ", reply.status().message()));
      }
      absl::SleepFor(kAfterCrash);
      return absl::OkStatus();
    }
    case RoutedStep::Action::kShutdown: {
      absl::StatusOr<Json> reply = connection->second.Call(
          "shutdown", Json::array(), options_.call_timeout);
      // JsonRpcServoClient swallows RemoteInvocationExceptions only.
      if (!reply.ok() && !IsRemoteInvocationError(reply.status())) {
        return absl::Status(reply.status().code(),
                            absl::StrCat("Failed to shutdown process '", role,
                                         "': ", reply.status().message()));
      }
      absl::SleepFor(kAfterShutdown);
      return absl::OkStatus();
    }
    default:
      return absl::InternalError("not a lifecycle step");
  }
}

void ScenarioProcesses::StopAll() {
  std::vector<std::thread> threads;
  for (auto& [role, connection] : connections_) {
    threads.emplace_back([&connection = connection] { connection.Stop(); });
  }
  for (std::thread& thread : threads) thread.join();
}

// The steps of `routed`, one at a time until the first failure, recorded in
// `result`.
void RunSteps(const RoutedScenario& routed, ScenarioProcesses& processes,
              ScenarioResult& result) {
  for (const RoutedStep& routed_step : routed.steps) {
    StepResult step;
    step.text = routed_step.step->text;
    step.line = routed_step.step->line;
    step.process = routed_step.action != RoutedStep::Action::kExecute
                       ? kHarmonyLabel
                       : routed_step.process.value_or(kBroadcastLabel);
    const absl::Time start = absl::Now();
    const absl::Status status = processes.Perform(routed_step);
    step.duration = absl::Now() - start;
    step.passed = status.ok();
    step.error = std::string(status.message());
    result.steps.push_back(step);
    if (!status.ok()) {
      result.outcome = ScenarioResult::Outcome::kFailed;
      result.reason =
          absl::StrCat("line ", step.line, ": ", step.text, ": ", step.error);
      return;
    }
  }
}

// Sends every step of `routed`, a scenario Harmony would skip, to one
// process named `process`.
void RouteAllTo(const std::string& process, RoutedScenario& routed) {
  for (RoutedStep& step : routed.steps) step.process = process;
  routed.processes = {process};
  routed.skipped = false;
}

void Fail(ScenarioResult& result, const std::string& reason) {
  result.outcome = ScenarioResult::Outcome::kFailed;
  result.reason = reason;
}

}  // namespace

ScenarioResult RunScenario(const Feature& feature, const Scenario& scenario,
                           const RunnerOptions& options) {
  const absl::Time start = absl::Now();
  ScenarioResult result;
  result.feature = feature.file_name;
  result.scenario = scenario.name;

  RoutedScenario routed = RouteScenario(feature, scenario);
  if (routed.skipped && options.unrouted_process.has_value()) {
    RouteAllTo(*options.unrouted_process, routed);
  }
  if (routed.skipped) {
    result.outcome = ScenarioResult::Outcome::kSkipped;
    result.reason = "no step names a process; Harmony never runs it";
    return result;
  }
  if (options.skip_windows_scenarios && IsWindowsOnly(feature, scenario)) {
    result.outcome = ScenarioResult::Outcome::kSkipped;
    result.reason = "tagged @windows";
    return result;
  }
  const int feature_id = FeatureId(feature.file_name);
  if (feature_id <= 0) {
    Fail(result, absl::StrCat("the file name ", feature.file_name,
                              " has no feature number before a '-'; Harmony "
                              "cannot run it"));
    return result;
  }
  const platform::ProcessId host_pid = platform::CurrentProcessId();

  {
    ScenarioProcesses processes(options, host_pid, feature_id);
    for (const std::string& role : routed.processes) {
      if (absl::Status started = processes.Start(role); !started.ok()) {
        Fail(result, std::string(started.message()));
        break;
      }
    }
    if (result.outcome != ScenarioResult::Outcome::kFailed) {
      RunSteps(routed, processes, result);
    }
    processes.StopAll();
  }

  const CleanupReport cleanup =
      RemoveBuffersWithSuffix(IsolationSuffix(host_pid, feature_id));
  // Any leftover fails the scenario; they are reported as such, beside the
  // reason for an earlier failure, if any.
  result.leftovers = cleanup.found;
  result.unremoved = cleanup.remaining;
  if (!result.leftovers.empty() || !result.unremoved.empty()) {
    result.outcome = ScenarioResult::Outcome::kFailed;
  }
  result.duration = absl::Now() - start;
  return result;
}

}  // namespace zerobuffer::harmony
