// RunScenario against //tests/harmony:fake_serve, which records every
// request it receives, so that the runner's behaviour is checked on the
// wire without the real steps.

#include "tests/harmony/scenario_runner.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/process.h"
#include "platform/shared_memory.h"
#include "serve/jsonrpc/message.h"
#include "tests/harmony/fake_serve_log.h"
#include "tests/harmony/gherkin.h"
#include "tests/support/leftovers.h"

namespace zerobuffer::harmony {
namespace {

using jsonrpc::Json;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

using Outcome = ScenarioResult::Outcome;

class ScenarioRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = NewFakeServeLogPath();
    options_.serve_commands["*"] = FakeCommand();
    options_.process_init_delay = absl::ZeroDuration();
    options_.call_timeout = absl::Seconds(30);
  }

  std::vector<std::string> FakeCommand(const std::string& flag = "") const {
    std::vector<std::string> command = {FakeServePath(),
                                        absl::StrCat("--log=", log_)};
    if (!flag.empty()) command.push_back(flag);
    return command;
  }

  // Runs the first scenario of `gherkin`.
  ScenarioResult Run(const std::string& gherkin,
                     const std::string& file_name = "07-Fake.feature") {
    absl::StatusOr<Feature> feature = ParseFeature(gherkin, file_name);
    EXPECT_TRUE(feature.ok()) << feature.status();
    if (!feature.ok() || feature->scenarios.empty()) return {};
    return RunScenario(*feature, feature->scenarios[0], options_);
  }

  std::vector<Json> Log() const { return ReadFakeServeLog(log_); }

  // The PID of the fake serve that was initialized as `role`.
  Json PidOf(const std::string& role) const {
    for (const Json& entry : Log()) {
      if (entry.contains("request") &&
          entry["request"]["method"] == "initialize" &&
          entry["request"]["params"][0]["Role"] == role) {
        return entry["pid"];
      }
    }
    return nullptr;
  }

  // Everything the fake serve of `role` recorded, in order.
  std::vector<Json> EntriesOf(const std::string& role) const {
    const Json pid = PidOf(role);
    std::vector<Json> entries;
    for (const Json& entry : Log()) {
      if (entry["pid"] == pid) entries.push_back(entry);
    }
    return entries;
  }

  // The requests `role` received.
  std::vector<Json> RequestsTo(const std::string& role) const {
    std::vector<Json> requests;
    for (const Json& entry : EntriesOf(role)) {
      if (entry.contains("request")) requests.push_back(entry["request"]);
    }
    return requests;
  }

  // The texts of the executeStep requests `role` received.
  std::vector<std::string> StepsTo(const std::string& role) const {
    std::vector<std::string> steps;
    for (const Json& request : RequestsTo(role)) {
      if (request["method"] == "executeStep") {
        steps.push_back(request["params"][0]["Step"].get<std::string>());
      }
    }
    return steps;
  }

  // Whether `role` saw its stdin end, i.e. was stopped the Harmony way.
  bool SawEndOfInput(const std::string& role) const {
    for (const Json& entry : EntriesOf(role)) {
      if (entry.value("event", "") == "eof") return true;
    }
    return false;
  }

  std::string log_;
  RunnerOptions options_;
};

TEST_F(ScenarioRunnerTest, SendsExactlyWhatHarmonySends) {
  options_.platforms["writer"] = "python";
  const ScenarioResult result = Run(R"(Feature: Fake
  Background:
    Given the environment is ready

  Scenario: Wire
    Given the 'reader' process does one thing
    When the 'writer' process does another
)");
  ASSERT_EQ(result.outcome, Outcome::kPassed) << result.reason;
  EXPECT_EQ(result.feature, "07-Fake.feature");
  EXPECT_EQ(result.scenario, "Wire");

  const std::string host_pid = absl::StrCat(platform::CurrentProcessId());
  const Json initialize_reader = Json::parse(absl::StrCat(
      R"({"jsonrpc":"2.0","id":3,"method":"initialize","params":[{"Role":)",
      R"("reader","Platform":"cpp","Scenario":"test","HostPid":)", host_pid,
      R"(,"FeatureId":7,"TestRunId":")", host_pid, R"(_7"}]})"));
  EXPECT_THAT(
      RequestsTo("reader"),
      ElementsAre(
          Json::parse(
              R"({"jsonrpc":"2.0","id":2,"method":"health","params":[]})"),
          initialize_reader,
          Json::parse(
              R"({"jsonrpc":"2.0","id":4,"method":"executeStep","params":[{)"
              R"("Process":"reader","StepType":0,"Step":"the environment is )"
              R"(ready","Parameters":{},"Context":{},"IsBroadcast":true}]})"),
          Json::parse(
              R"({"jsonrpc":"2.0","id":5,"method":"executeStep","params":[{)"
              R"("Process":"reader","StepType":0,"Step":"the 'reader' )"
              R"(process does one thing","Parameters":{},"Context":{},)"
              R"("IsBroadcast":false}]})")));
  const std::vector<Json> writer = RequestsTo("writer");
  ASSERT_THAT(writer, SizeIs(4));
  EXPECT_EQ(writer[0]["id"], 2);
  EXPECT_EQ(writer[1]["params"][0]["Platform"], "python");
  EXPECT_EQ(writer[2]["params"][0]["Process"], "writer");
  EXPECT_EQ(writer[2]["params"][0]["IsBroadcast"], true);
  EXPECT_EQ(writer[3]["params"][0]["StepType"], 1);
  EXPECT_EQ(writer[3]["id"], 5);

  // Started one after the other, in order of first appearance.
  const std::vector<Json> log = Log();
  ASSERT_THAT(log, Not(IsEmpty()));
  EXPECT_EQ(log[0]["pid"], PidOf("reader"));
  for (const Json& entry : log) {
    EXPECT_EQ(entry["HARMONY_HOST_PID"], host_pid);
    EXPECT_EQ(entry["HARMONY_FEATURE_ID"], "7");
  }
  EXPECT_TRUE(SawEndOfInput("reader"));
  EXPECT_TRUE(SawEndOfInput("writer"));

  ASSERT_THAT(result.steps, SizeIs(3));
  EXPECT_EQ(result.steps[0].process, "broadcast");
  EXPECT_EQ(result.steps[0].line, 3);
  EXPECT_EQ(result.steps[1].process, "reader");
  EXPECT_EQ(result.steps[2].process, "writer");
  EXPECT_TRUE(result.steps[2].passed);
}

TEST_F(ScenarioRunnerTest, AndAndButTakeThePreviousStepType) {
  ASSERT_EQ(Run(R"(Feature: Fake
  Scenario: Types
    And the 'reader' process one
    Given the 'reader' process two
    And the 'reader' process three
    When the 'reader' process four
    But the 'reader' process five
    Then the 'reader' process six
    And the 'reader' process seven
)")
                .outcome,
            Outcome::kPassed);
  std::vector<int> types;
  for (const Json& request : RequestsTo("reader")) {
    if (request["method"] == "executeStep") {
      types.push_back(request["params"][0]["StepType"].get<int>());
    }
  }
  EXPECT_THAT(types, ElementsAre(0, 0, 0, 1, 1, 2, 2));
}

TEST_F(ScenarioRunnerTest, BroadcastReachesEveryProcessAtOnce) {
  // Each copy waits until both processes hold one: a runner that sent them
  // one after the other would time out here.
  const ScenarioResult result = Run(R"(Feature: Fake
  Background:
    Given BARRIER 2

  Scenario: Broadcast
    Given the 'reader' process starts
    And the 'writer' process starts
)");
  ASSERT_EQ(result.outcome, Outcome::kPassed) << result.reason;
  for (const std::string role : {"reader", "writer"}) {
    const std::vector<Json> requests = RequestsTo(role);
    ASSERT_THAT(requests, SizeIs(4)) << role;
    EXPECT_EQ(requests[2]["params"][0]["Process"], role);
    EXPECT_EQ(requests[2]["params"][0]["IsBroadcast"], true);
  }
}

TEST_F(ScenarioRunnerTest, WaitSleepsWithoutSendingAnything) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Wait
    Given the 'reader' process starts
    Then wait for '1' seconds
)");
  ASSERT_EQ(result.outcome, Outcome::kPassed) << result.reason;
  ASSERT_THAT(result.steps, SizeIs(2));
  EXPECT_EQ(result.steps[1].process, "harmony");
  EXPECT_GE(result.steps[1].duration, absl::Seconds(1));
  EXPECT_THAT(StepsTo("reader"), ElementsAre("the 'reader' process starts"));
}

TEST_F(ScenarioRunnerTest, KilledProcessIsStoppedAndLaterStepsToItFail) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Kill
    Given the 'reader' process starts
    And the 'writer' process starts
    When the 'writer' process is killed
    Then the 'writer' process does more
    And the 'reader' process is never reached
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  ASSERT_THAT(result.steps, SizeIs(4));
  EXPECT_EQ(result.steps[2].process, "harmony");
  EXPECT_TRUE(result.steps[2].passed);
  EXPECT_THAT(result.steps[3].error, StartsWith("Execution failed: writer: "));
  EXPECT_THAT(result.steps[3].error, HasSubstr("disposed"));
  EXPECT_THAT(result.reason,
              HasSubstr("line 6: the 'writer' process does more"));

  const std::vector<Json> writer = EntriesOf("writer");
  ASSERT_THAT(writer, Not(IsEmpty()));
  EXPECT_EQ(writer.back()["event"], "eof");
  EXPECT_THAT(StepsTo("writer"), ElementsAre("the 'writer' process starts"));
  EXPECT_THAT(StepsTo("reader"), ElementsAre("the 'reader' process starts"));
}

TEST_F(ScenarioRunnerTest, CrashCallsCrashAndLaterStepsToItFail) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Crash
    Given the 'reader' process starts
    When the 'reader' process crashes while reading
    Then the 'reader' process does more
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  ASSERT_THAT(result.steps, SizeIs(3));
  EXPECT_TRUE(result.steps[1].passed) << result.steps[1].error;
  EXPECT_THAT(result.steps[2].error, HasSubstr("connection lost"));

  const std::vector<Json> requests = RequestsTo("reader");
  ASSERT_THAT(requests, SizeIs(4));
  EXPECT_EQ(requests[3]["method"], "crash");
  EXPECT_EQ(requests[3]["params"],
            Json::parse(R"([{"IsCancellationRequested":false,)"
                        R"("CanBeCanceled":false}])"));
  EXPECT_FALSE(SawEndOfInput("reader"));
}

TEST_F(ScenarioRunnerTest, ShutdownCallsShutdown) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Shutdown
    Given the 'reader' process starts
    When the 'reader' process is shutdown
)");
  ASSERT_EQ(result.outcome, Outcome::kPassed) << result.reason;
  const std::vector<Json> requests = RequestsTo("reader");
  ASSERT_THAT(requests, SizeIs(4));
  EXPECT_EQ(requests[3]["method"], "shutdown");
  EXPECT_EQ(requests[3]["params"], Json::array());
}

TEST_F(ScenarioRunnerTest, LifecycleStepForAnotherProcessFails) {
  // The phrase is not at the start, so the step itself routes to 'reader'
  // and 'writer' is never started.
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Unknown target
    Given the 'reader' process starts
    When suddenly the 'writer' process crashes
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.reason, HasSubstr("'writer'"));
  EXPECT_EQ(PidOf("writer"), nullptr);
}

TEST_F(ScenarioRunnerTest, FirstFailureEndsTheScenario) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Failure
    Given the 'reader' process starts
    When the 'reader' process does FAIL here
    Then the 'reader' process is never reached
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  ASSERT_THAT(result.steps, SizeIs(2));
  EXPECT_EQ(result.steps[1].line, 4);
  EXPECT_EQ(result.steps[1].error,
            "Execution failed: failed: the 'reader' process does FAIL here");
  EXPECT_THAT(result.reason,
              HasSubstr("line 4: the 'reader' process does FAIL here"));
  EXPECT_THAT(StepsTo("reader"), SizeIs(2));
  EXPECT_TRUE(SawEndOfInput("reader"));
}

TEST_F(ScenarioRunnerTest, BroadcastFailureListsEveryFailure) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Background:
    Given everyone FAILS

  Scenario: Broadcast failure
    Given the 'reader' process starts
    And the 'writer' process starts
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_EQ(result.steps.back().error,
            "Broadcast failed on: failed: everyone FAILS, failed: everyone "
            "FAILS");
}

TEST_F(ScenarioRunnerTest, RpcErrorFailsTheStepAsRemoteExecution) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Error
    Given the 'reader' process RPCERROR
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.steps.back().error,
              StartsWith("Execution failed: Remote execution failed: boom"));
}

TEST_F(ScenarioRunnerTest, ResultHarmonyCannotConvertFailsTheStep) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Bad level
    Given the 'reader' process BADLEVEL
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.steps.back().error,
              StartsWith("Execution failed: reader: "));
  EXPECT_THAT(result.steps.back().error, HasSubstr("Level"));
}

TEST_F(ScenarioRunnerTest, StepWithoutReplyTimesOut) {
  options_.call_timeout = absl::Seconds(1);
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Hang
    Given the 'reader' process HANG
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.steps.back().error, HasSubstr("no reply"));
  EXPECT_LT(result.duration, absl::Seconds(20));
}

constexpr char kScenarioWithoutProcesses[] = R"(Feature: Fake
  Scenario: Nobody
    Given something happens
    Then something else
)";

TEST_F(ScenarioRunnerTest, ScenarioWithoutProcessesIsSkippedUnstarted) {
  const ScenarioResult result = Run(kScenarioWithoutProcesses);
  EXPECT_EQ(result.outcome, Outcome::kSkipped);
  EXPECT_EQ(result.reason, "no step names a process; Harmony never runs it");
  EXPECT_FALSE(std::filesystem::exists(log_));
}

TEST_F(ScenarioRunnerTest, ScenarioWithoutProcessesRunsInOneProcessWhenAsked) {
  options_.unrouted_process = "solo";
  const ScenarioResult result = Run(kScenarioWithoutProcesses);
  EXPECT_EQ(result.outcome, Outcome::kPassed);
  EXPECT_THAT(StepsTo("solo"),
              ElementsAre("something happens", "something else"));
}

constexpr char kWindowsScenario[] = R"(Feature: Fake
  @windows
  Scenario: Windows only
    Given the 'reader' process starts
)";

TEST_F(ScenarioRunnerTest, WindowsScenarioIsSkippedUnstarted) {
  const ScenarioResult result = Run(kWindowsScenario);
  EXPECT_EQ(result.outcome, Outcome::kSkipped);
  EXPECT_THAT(result.reason, HasSubstr("@windows"));
  EXPECT_FALSE(std::filesystem::exists(log_));
}

TEST_F(ScenarioRunnerTest, WindowsScenarioRunsWhenAsked) {
  options_.skip_windows_scenarios = false;
  EXPECT_EQ(Run(kWindowsScenario).outcome, Outcome::kPassed);
}

TEST_F(ScenarioRunnerTest, UnhealthyProcessFailsTheScenarioBeforeAnyStep) {
  options_.serve_commands["*"] = FakeCommand("--healthy=false");
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Unhealthy
    Given the 'reader' process starts
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.reason, HasSubstr("health check failed"));
  EXPECT_THAT(result.steps, IsEmpty());
  const std::vector<Json> log = Log();
  ASSERT_THAT(log, SizeIs(2));
  EXPECT_EQ(log[0]["request"]["method"], "health");
  EXPECT_EQ(log[1]["event"], "eof");
}

TEST_F(ScenarioRunnerTest, NullInitializeResultFailsTheScenario) {
  options_.serve_commands["*"] = FakeCommand("--initialize_null");
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Null
    Given the 'reader' process starts
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.reason, HasSubstr("Failed to initialize"));
  EXPECT_THAT(StepsTo("reader"), IsEmpty());
}

TEST_F(ScenarioRunnerTest, RoleWithoutServeCommandFails) {
  options_.serve_commands = {{"reader", FakeCommand()}};
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Two roles
    Given the 'reader' process starts
    And the 'writer' process starts
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.reason,
              HasSubstr("no serve command for process 'writer'"));
  EXPECT_TRUE(SawEndOfInput("reader"));
}

TEST_F(ScenarioRunnerTest, FeatureFileWithoutNumberFailsUnstarted) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: No id
    Given the 'reader' process starts
)",
                                    "Fake.feature");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_FALSE(std::filesystem::exists(log_));
}

TEST_F(ScenarioRunnerTest, TablesAreSentOnlyWhenAsked) {
  constexpr char kTable[] = R"(Feature: Fake
  Scenario: Table
    Given the 'reader' process has:
      | a | b |
      | 1 | 2 |
)";
  ASSERT_EQ(Run(kTable).outcome, Outcome::kPassed);
  EXPECT_FALSE(RequestsTo("reader")[2]["params"][0].contains("Table"));

  std::filesystem::remove(log_);
  options_.send_tables = true;
  ASSERT_EQ(Run(kTable).outcome, Outcome::kPassed);
  EXPECT_EQ(RequestsTo("reader")[2]["params"][0]["Table"],
            Json::parse(R"([["a","b"],["1","2"]])"));
}

TEST_F(ScenarioRunnerTest, LeftoversFailThePassingScenarioAndAreRemoved) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Leftovers
    Given the 'reader' process LEAVE runner-test
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  ASSERT_THAT(result.steps, SizeIs(1));
  EXPECT_TRUE(result.steps[0].passed) << "every step passed";
  const std::string name =
      absl::StrCat("runner-test_", platform::CurrentProcessId(), "_7");
  EXPECT_THAT(result.leftovers, ElementsAre(EndsWith(name)));
  EXPECT_THAT(result.reason, IsEmpty()) << "no step failed";
  EXPECT_THAT(testing::FindLeftovers(name), IsEmpty())
      << "removed, so that the next scenario starts clean";
}

TEST_F(ScenarioRunnerTest, LeftoversAreKeptApartFromAFailedStep) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Leftovers and a failure
    Given the 'reader' process LEAVE runner-test-failed
    Then the 'reader' process does FAIL here
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.reason,
              StartsWith("line 4: the 'reader' process does FAIL here"));
  EXPECT_THAT(result.reason, Not(HasSubstr("left behind")));
  EXPECT_THAT(result.leftovers, ElementsAre(HasSubstr("runner-test-failed_")));
}

// Debris of the scenario's names found at the end, though no step ran.
TEST_F(ScenarioRunnerTest, AStartFailureKeepsItsReasonBesideTheLeftovers) {
  const std::string debris = absl::StrCat("runner-test-unstarted_",
                                          platform::CurrentProcessId(), "_7");
  ASSERT_TRUE(platform::SharedMemory::CreateExclusive(debris, 64).ok());
  options_.serve_commands = {{"reader", FakeCommand()}};
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Leftovers and a process that cannot start
    Given the 'reader' process starts
    And the 'writer' process starts
)");
  ASSERT_EQ(result.outcome, Outcome::kFailed);
  EXPECT_THAT(result.reason,
              HasSubstr("no serve command for process 'writer'"));
  EXPECT_THAT(result.leftovers, ElementsAre(EndsWith(debris)));
  EXPECT_THAT(testing::FindLeftovers(debris), IsEmpty());
}

TEST_F(ScenarioRunnerTest, AScenarioThatLeavesNothingHasNoLeftovers) {
  const ScenarioResult result = Run(R"(Feature: Fake
  Scenario: Clean
    Given the 'reader' process starts
)");
  EXPECT_EQ(result.outcome, Outcome::kPassed) << result.reason;
  EXPECT_THAT(result.leftovers, IsEmpty());
}

}  // namespace
}  // namespace zerobuffer::harmony
