// What harmony_runner prints for each outcome, and its tally.

#include "tests/harmony/scenario_report.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zerobuffer::harmony {
namespace {

using Outcome = ScenarioResult::Outcome;

ScenarioResult Result(Outcome outcome) {
  ScenarioResult result;
  result.feature = "01-basic_communication.feature";
  result.scenario = "Test 1.1 - Simple Write-Read Cycle";
  result.outcome = outcome;
  result.duration = absl::Milliseconds(1234);
  return result;
}

StepResult Step(int line, const std::string& text, bool passed,
                const std::string& error = "") {
  StepResult step;
  step.line = line;
  step.text = text;
  step.passed = passed;
  step.error = error;
  return step;
}

TEST(FormatScenarioResultTest, Pass) {
  EXPECT_EQ(FormatScenarioResult(Result(Outcome::kPassed)),
            "PASS  01-basic_communication.feature :: Test 1.1 - Simple "
            "Write-Read Cycle (1.23 s)\n");
}

TEST(FormatScenarioResultTest, SkipSaysWhy) {
  ScenarioResult result = Result(Outcome::kSkipped);
  result.reason = "tagged @windows";
  EXPECT_EQ(FormatScenarioResult(result),
            "SKIP  01-basic_communication.feature :: Test 1.1 - Simple "
            "Write-Read Cycle — tagged @windows\n");
}

TEST(FormatScenarioResultTest, FailShowsTheFailedStep) {
  ScenarioResult result = Result(Outcome::kFailed);
  result.steps = {Step(3, "the 'reader' process starts", true),
                  Step(4, "the 'reader' process should read frame", false,
                       "Execution failed: read 3 frames, expected 4")};
  result.reason = "line 4: ...";
  EXPECT_EQ(FormatScenarioResult(result),
            "FAIL  01-basic_communication.feature :: Test 1.1 - Simple "
            "Write-Read Cycle (1.23 s)\n"
            "    at line 4: the 'reader' process should read frame\n"
            "    Execution failed: read 3 frames, expected 4\n");
}

TEST(FormatScenarioResultTest, FailWithoutAFailedStepShowsTheReason) {
  ScenarioResult result = Result(Outcome::kFailed);
  result.reason = "Process health check failed for 'reader': false";
  EXPECT_EQ(FormatScenarioResult(result),
            "FAIL  01-basic_communication.feature :: Test 1.1 - Simple "
            "Write-Read Cycle (1.23 s)\n"
            "    Process health check failed for 'reader': false\n");
}

TEST(FormatScenarioResultTest, FailListsWhatWasLeftBehind) {
  ScenarioResult result = Result(Outcome::kFailed);
  result.steps = {Step(3, "the 'reader' process starts", true)};
  result.leftovers = {"/dev/shm/a_1_1", "/tmp/zerobuffer/a_1_1.lock"};
  result.unremoved = {"/tmp/zerobuffer/a_1_1.lock"};
  EXPECT_EQ(FormatScenarioResult(result),
            "FAIL  01-basic_communication.feature :: Test 1.1 - Simple "
            "Write-Read Cycle (1.23 s)\n"
            "    left behind after every process exited (removed): "
            "/dev/shm/a_1_1, /tmp/zerobuffer/a_1_1.lock\n"
            "    could not remove: /tmp/zerobuffer/a_1_1.lock\n");
  // After a failed step as well.
  result.steps.push_back(Step(5, "the 'writer' process x", false, "boom"));
  EXPECT_EQ(FormatScenarioResult(result),
            "FAIL  01-basic_communication.feature :: Test 1.1 - Simple "
            "Write-Read Cycle (1.23 s)\n"
            "    at line 5: the 'writer' process x\n"
            "    boom\n"
            "    left behind after every process exited (removed): "
            "/dev/shm/a_1_1, /tmp/zerobuffer/a_1_1.lock\n"
            "    could not remove: /tmp/zerobuffer/a_1_1.lock\n");
}

TEST(FormatScenarioResultTest, AStartFailureIsShownBesideTheLeftovers) {
  ScenarioResult result = Result(Outcome::kFailed);
  result.reason = "Process health check failed for 'writer': false";
  result.leftovers = {"/dev/shm/a_1_1"};
  EXPECT_EQ(FormatScenarioResult(result),
            "FAIL  01-basic_communication.feature :: Test 1.1 - Simple "
            "Write-Read Cycle (1.23 s)\n"
            "    Process health check failed for 'writer': false\n"
            "    left behind after every process exited (removed): "
            "/dev/shm/a_1_1\n");
}

TEST(FormatFeatureErrorTest, NamesTheFile) {
  EXPECT_EQ(FormatFeatureError("x.feature",
                               absl::NotFoundError("cannot read x.feature")),
            "FAIL  x.feature\n    cannot read x.feature\n");
}

TEST(TallyTest, CountsAndExitCode) {
  Tally tally;
  tally.Count(Outcome::kPassed);
  tally.Count(Outcome::kPassed);
  tally.Count(Outcome::kSkipped);
  EXPECT_EQ(tally.Summary(), "2 passed, 0 failed, 1 skipped\n");
  EXPECT_EQ(tally.ExitCode(), 0);
  tally.Count(Outcome::kFailed);
  EXPECT_EQ(tally.Summary(), "2 passed, 1 failed, 1 skipped\n");
  EXPECT_EQ(tally.ExitCode(), 1);
}

TEST(TallyTest, AFeatureErrorIsAFailure) {
  Tally tally;
  tally.Count(Outcome::kPassed);
  tally.CountFeatureError();
  EXPECT_EQ(tally.Summary(), "1 passed, 1 failed, 0 skipped\n");
  EXPECT_EQ(tally.ExitCode(), 1);
}

TEST(TallyTest, NothingRunIsAFailure) {
  const Tally tally;
  EXPECT_EQ(tally.Summary(),
            "0 passed, 0 failed, 0 skipped\nno scenario matched\n");
  EXPECT_EQ(tally.ExitCode(), 1);
}

}  // namespace
}  // namespace zerobuffer::harmony
