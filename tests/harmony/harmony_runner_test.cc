// harmony_runner as a user runs it: --help, the --scenario filter, per-role
// --serve commands, what it prints and its exit code, with the fake serve.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/subprocess.h"
#include "tests/harmony/fake_serve_log.h"
#include "tests/support/run_to_end.h"

namespace zerobuffer::harmony {
namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using testing::FinishedProcess;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::Duration kTimeout = absl::Seconds(60);

// Runs the runner with `arguments` until it exits; its stderr goes to the
// test's log.
FinishedProcess RunRunner(const std::vector<std::string>& arguments) {
  const char* runner = std::getenv("RUNNER");
  if (runner == nullptr) {
    ADD_FAILURE() << "RUNNER is not set";
    return {};
  }
  platform::SubprocessOptions options;
  options.argv = {runner};
  options.argv.insert(options.argv.end(), arguments.begin(), arguments.end());
  return testing::RunToEnd(options, /*input=*/"", kTimeout);
}

class HarmonyRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = NewFakeServeLogPath();
    feature_ =
        std::filesystem::path(::testing::TempDir()) / "07-Runner.feature";
    std::ofstream(feature_) << R"(Feature: Runner
  Scenario: First passes
    Given the 'reader' process starts
    When the 'writer' process starts

  Scenario: Second fails
    Given the 'reader' process does FAIL here

  Scenario: Third passes
    Given the 'reader' process starts
)";
  }
  void TearDown() override { std::filesystem::remove(feature_); }

  std::string Serve() const {
    return absl::StrCat(FakeServePath(), " --log=", log_);
  }

  std::string log_;
  std::filesystem::path feature_;
};

TEST_F(HarmonyRunnerTest, HelpListsTheRunnersOwnFlags) {
  const FinishedProcess help = RunRunner({"--help"});
  ASSERT_TRUE(help.exit.has_value());
  EXPECT_THAT(help.out, AllOf(HasSubstr("--features"), HasSubstr("--serve"),
                              HasSubstr("--scenario"), HasSubstr("--platform"),
                              HasSubstr("--run_unrouted_in")));
  EXPECT_THAT(help.out, Not(HasSubstr("No flags matched")));
}

TEST_F(HarmonyRunnerTest, ReportsEveryScenarioAndFailsIfOneFails) {
  const FinishedProcess run =
      RunRunner({absl::StrCat("--features=", feature_.string()),
                 absl::StrCat("--serve=", Serve()), "--process_init_delay=0s"});
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_EQ(run.exit->exit_code, 1) << run.out;
  EXPECT_THAT(run.out, ContainsRegex("PASS  07-Runner.feature :: First passes "
                                     "\\([0-9.]+ s\\)\n"));
  EXPECT_THAT(run.out,
              ContainsRegex("FAIL  07-Runner.feature :: Second fails "
                            "\\([0-9.]+ s\\)\n    at line 7: the 'reader' "
                            "process does FAIL here\n    Execution failed: "));
  EXPECT_THAT(run.out, HasSubstr("2 passed, 1 failed, 0 skipped\n"));
}

TEST_F(HarmonyRunnerTest, TheScenarioFilterSelectsByName) {
  const FinishedProcess run =
      RunRunner({absl::StrCat("--features=", feature_.string()),
                 absl::StrCat("--serve=", Serve()), "--process_init_delay=0s",
                 "--scenario=passes$"});
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_EQ(run.exit->exit_code, 0) << run.out;
  EXPECT_THAT(run.out, Not(HasSubstr("Second fails")));
  EXPECT_THAT(run.out, HasSubstr("2 passed, 0 failed, 0 skipped\n"));
}

TEST_F(HarmonyRunnerTest, NoMatchingScenarioIsAFailure) {
  const FinishedProcess run = RunRunner(
      {absl::StrCat("--features=", feature_.string()),
       absl::StrCat("--serve=", Serve()), "--scenario=nothing like this"});
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_EQ(run.exit->exit_code, 1) << run.out;
  EXPECT_THAT(run.out, HasSubstr("no scenario matched"));
}

TEST_F(HarmonyRunnerTest, EachRoleGetsItsOwnServeCommand) {
  // Only the writer's command exists: the reader's start fails, which shows
  // that each role was given its own.
  const FinishedProcess run = RunRunner(
      {absl::StrCat("--features=", feature_.string()),
       absl::StrCat("--serve=reader=/nonexistent/serve,writer=", Serve()),
       "--process_init_delay=0s", "--scenario=First"});
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_EQ(run.exit->exit_code, 1) << run.out;
  EXPECT_THAT(run.out, HasSubstr("Failed to start process 'reader'"));
  EXPECT_THAT(run.out, HasSubstr("/nonexistent/serve"));
}

TEST_F(HarmonyRunnerTest, BadFlagsStopItBeforeAnythingRuns) {
  const FinishedProcess run =
      RunRunner({absl::StrCat("--features=", feature_.string()),
                 absl::StrCat("--serve=", Serve()), "--scenario=("});
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_EQ(run.exit->exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(log_)) << "no serve was started";
}

}  // namespace
}  // namespace zerobuffer::harmony
