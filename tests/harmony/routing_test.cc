#include "tests/harmony/routing.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harmony/gherkin.h"

namespace zerobuffer::harmony {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

// One line per step: "<type> <route>", where the route is the process, "*"
// for a broadcast, or Harmony's action followed by the step's process in
// brackets. A "bg:" prefix marks background steps.
std::string Describe(const RoutedStep& step) {
  static constexpr const char* kTypes[] = {"Given", "When", "Then"};
  const std::string line = absl::StrCat(step.from_background ? "bg:" : "",
                                        kTypes[static_cast<int>(step.type)]);
  const std::string process = step.process.value_or("*");
  switch (step.action) {
    case RoutedStep::Action::kExecute:
      return absl::StrCat(line, " ", process);
    case RoutedStep::Action::kWait:
      return absl::StrCat(line, " wait ", step.wait_seconds, " [", process,
                          "]");
    case RoutedStep::Action::kShutdown:
      return absl::StrCat(line, " shutdown ", step.target_process, " [",
                          process, "]");
    case RoutedStep::Action::kKill:
      return absl::StrCat(line, " kill ", step.target_process, " [", process,
                          "]");
    case RoutedStep::Action::kCrash:
      return absl::StrCat(line, " crash ", step.target_process, " [", process,
                          "]");
  }
  return line;
}

std::vector<std::string> Describe(const RoutedScenario& scenario) {
  std::vector<std::string> lines;
  for (const RoutedStep& step : scenario.steps) lines.push_back(Describe(step));
  return lines;
}

// Keeps the parsed feature, which the routed steps point into.
class RoutingTest : public ::testing::Test {
 protected:
  void Parse(const std::string& text) {
    absl::StatusOr<Feature> parsed = ParseFeature(text, "test.feature");
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    feature_ = *std::move(parsed);
  }

  RoutedScenario RouteOnly(const std::string& text) {
    Parse(text);
    return RouteScenario(feature_, feature_.scenarios.at(0));
  }

  Feature feature_;
};

TEST_F(RoutingTest, KillAndWaitAreHarmonysAndPassTheirProcessOn) {
  const RoutedScenario routed = RouteOnly(R"(Feature: Process Lifecycle
  Background:
    Given we run in harmony

  Scenario: Test 2.1 - Writer Crash Detection
    Given the 'reader' process creates buffer 'test-writer-crash' with metadata size '1024' and payload size '10240'
    And the 'writer' process connects to buffer 'test-writer-crash'
    And the 'writer' process writes frame with data 'alive'
    Then the 'reader' process should read frame with data 'alive'
    When the 'writer' process is killed
    Then wait for '2' seconds
    And the 'reader' process should timeout or detect writer death on next read
)");
  EXPECT_THAT(
      Describe(routed),
      ElementsAre("bg:Given *", "Given reader", "Given writer", "Given writer",
                  "Then reader", "When kill writer [writer]",
                  "Then wait 2 [writer]", "Then reader"));
  EXPECT_THAT(routed.processes, ElementsAre("reader", "writer"));
  EXPECT_FALSE(routed.skipped);
  EXPECT_EQ(routed.steps[0].step, &feature_.background[0]);
  EXPECT_EQ(routed.steps[1].step, &feature_.scenarios[0].steps[0]);
}

TEST_F(RoutingTest, CrashesOnlyInWhenSteps) {
  const RoutedScenario routed = RouteOnly(R"(Feature: F
  Scenario: Test 2.2 - Reader Crash Detection
    Given the 'reader' process creates buffer 'test-reader-crash' with metadata size '1024' and payload size '10240'
    When the 'writer' process fills buffer completely
    And the 'reader' process crashes
    Then wait for '2' seconds
    And the 'writer' process should detect reader death on next write
    When the 'reader' process crashes while write in progress
    Then the 'reader' process crashes
    Given the 'writer' process is killed
)");
  EXPECT_THAT(
      Describe(routed),
      ElementsAre("Given reader", "When writer", "When crash reader [reader]",
                  "Then wait 2 [reader]", "Then writer",
                  "When crash reader [reader]", "Then reader", "Given writer"));
}

TEST_F(RoutingTest, ShutdownAndCaseInsensitiveLifecycle) {
  const RoutedScenario routed = RouteOnly(R"(Feature: F
  Scenario: S
    Given the 'server' process creates duplex channel 'x'
    When the 'server' process shutdown
    When the 'server' process is   shutdown now
    When The 'Client' Process IS KILLED
    When gracefully shutdown
    When kill reader process
)");
  EXPECT_THAT(
      Describe(routed),
      ElementsAre("Given server", "When shutdown server [server]",
                  "When shutdown server [server]", "When kill Client [Client]",
                  "When Client", "When Client"));
  EXPECT_THAT(routed.processes, ElementsAre("server", "Client"));
}

TEST_F(RoutingTest, WaitsInAnyStepTypeAnywhereInTheText) {
  const RoutedScenario routed = RouteOnly(R"(Feature: F
  Scenario: S
    Given we WAIT  FOR '3' seconds first
    When wait for '007' seconds
    Then wait for '99999999999' seconds
    And wait for '1' minutes
)");
  EXPECT_THAT(Describe(routed),
              ElementsAre("Given wait 3 [*]", "When wait 7 [*]",
                          "Then wait -1 [*]", "Then *"));
  EXPECT_TRUE(routed.skipped);
}

TEST_F(RoutingTest, EveryKeywordInheritsTheLastProcess) {
  const RoutedScenario routed = RouteOnly(R"(Feature: F
  Scenario: Test 2.4 - Multiple Writer Rejection
    Given the 'reader' process creates buffer 'test-multi-writer' with metadata size '1024' and payload size '10240'
    And the 'writer' process connects to buffer 'test-multi-writer'
    When a second 'writer' process attempts to connect to buffer 'test-multi-writer'
    Then the connection should fail with writer exists error
    But no sequence errors should have occurred
    * all done
)");
  EXPECT_THAT(Describe(routed),
              ElementsAre("Given reader", "Given writer", "When writer",
                          "Then writer", "Then writer", "Then writer"));
}

TEST_F(RoutingTest, TypesFollowGivenWhenThenAndStartAsGiven) {
  const RoutedScenario routed = RouteOnly(R"(Feature: F
  Scenario: Test 8.3 - Cross-Platform Name Compatibility
    And the 'reader' process creates buffer 'test-name-compat-123' with default config
    But the name is checked
    When test maximum name length
    And another step
    * a star step
    Then both platforms should handle it correctly
    And one more
)");
  EXPECT_THAT(
      Describe(routed),
      ElementsAre("Given reader", "Given reader", "When reader", "When reader",
                  "When reader", "Then reader", "Then reader"));
  EXPECT_THAT(routed.processes, ElementsAre("reader"));
}

TEST_F(RoutingTest, BroadcastsUntilAProcessIsNamed) {
  const RoutedScenario routed = RouteOnly(R"(Feature: F
  Background:
    Given the test environment is initialized
    And all processes are ready

  Scenario: Test 8.4 - Stale Resource Cleanup
    Given manually create stale lock file for 'stale-test'
    And create orphaned shared memory for 'stale-test'
    When the 'reader' process attempts to create buffer 'stale-test'
    Then the stale resources should be detected
)");
  EXPECT_THAT(Describe(routed),
              ElementsAre("bg:Given *", "bg:Given *", "Given *", "Given *",
                          "When reader", "Then reader"));
  EXPECT_THAT(routed.processes, ElementsAre("reader"));
  EXPECT_FALSE(routed.skipped);
}

TEST_F(RoutingTest, NamedFormsOfTest10Point6) {
  const RoutedScenario routed = RouteOnly(R"(Feature: F
  Scenario: Test 10.6 - Permission Errors
    Given the reader is 'user1'
    And the writer is 'user2'
    When the 'reader' process creates buffer 'test-permissions' with restricted permissions
    Then no resource corruption should occur
)");
  EXPECT_THAT(Describe(routed), ElementsAre("Given reader", "Given writer",
                                            "When reader", "Then reader"));
  EXPECT_THAT(routed.processes, ElementsAre("reader", "writer"));
}

TEST_F(RoutingTest, ScenarioWithoutAProcessIsSkipped) {
  const RoutedScenario routed = RouteOnly(R"(Feature: F
  Background:
    Given the test environment is initialized

  Scenario: Test 4.11 - Concurrent Initialization Race
    Given two 'reader' processes
    When both simultaneously attempt to create buffer 'race-test'
    Then only one should succeed
    When a 'writer' process attempts to connect to non-existent buffer 'no-reader'
)");
  EXPECT_THAT(Describe(routed), ElementsAre("bg:Given *", "Given *", "When *",
                                            "Then *", "When *"));
  EXPECT_THAT(routed.processes, IsEmpty());
  EXPECT_TRUE(routed.skipped);
}

TEST_F(RoutingTest, BackgroundAndScenariosHaveTheirOwnState) {
  const std::string text = R"(Feature: F
  Background:
    Given the 'writer' process prepares
    And all processes are ready

  Scenario: First
    When the platform is 'Linux'
    Then the 'reader' process reads
    And it is done

  Scenario: Second
    Then the test completes
)";
  // The background's process does not reach the scenario (its first step is
  // a broadcast), but it counts for the process list, first.
  Parse(text);
  const RoutedScenario first = RouteScenario(feature_, feature_.scenarios[0]);
  EXPECT_THAT(Describe(first),
              ElementsAre("bg:Given writer", "bg:Given writer", "When *",
                          "Then reader", "Then reader"));
  EXPECT_THAT(first.processes, ElementsAre("writer", "reader"));

  // Nothing carries over from the first scenario either; the background's
  // process alone keeps the second scenario from being skipped.
  const RoutedScenario second = RouteScenario(feature_, feature_.scenarios[1]);
  EXPECT_THAT(Describe(second),
              ElementsAre("bg:Given writer", "bg:Given writer", "Then *"));
  EXPECT_THAT(second.processes, ElementsAre("writer"));
  EXPECT_FALSE(second.skipped);
}

TEST_F(RoutingTest, DuplexStepsInheritTheClient) {
  const RoutedScenario routed = RouteOnly(R"(Feature: F
  Scenario: Test 13.1 - Basic Request-Response
    Given the 'server' process creates duplex channel 'duplex-basic' with metadata size '4096' and payload size '1048576'
    When the 'client' process sends request with size '1'
    Then response should match request with size '1'
)");
  EXPECT_THAT(Describe(routed),
              ElementsAre("Given server", "When client", "Then client"));
  EXPECT_THAT(routed.processes, ElementsAre("server", "client"));
}

TEST_F(RoutingTest, ALifecycleTargetNoStepRoutesToIsNotStarted) {
  // The step is routed to 'reader' (first process pattern, anchored) while
  // the unanchored lifecycle pattern finds 'writer'. Harmony starts only the
  // processes of the steps, so this crash would fail at run time.
  const RoutedScenario routed = RouteOnly(R"(Feature: F
  Scenario: S
    When the 'reader' process sees the 'writer' process crashes
)");
  EXPECT_THAT(Describe(routed), ElementsAre("When crash writer [reader]"));
  EXPECT_THAT(routed.processes, ElementsAre("reader"));
}

TEST(ExtractProcessTest, RecognisesTheSevenForms) {
  EXPECT_THAT(ExtractProcess("the 'reader' process creates buffer 'b'"),
              Optional(std::string("reader")));
  EXPECT_THAT(ExtractProcess("When the 'my reader' process starts"),
              Optional(std::string("my reader")));  // 1: any name, keyword
  EXPECT_THAT(ExtractProcess("THE 'Writer' PROCESS writes"),
              Optional(std::string("Writer")));
  EXPECT_THAT(ExtractProcess("'reader' process reads"),
              Optional(std::string("reader")));  // 3
  EXPECT_THAT(ExtractProcess("the 'server' responds"),
              Optional(std::string("server")));  // 4
  EXPECT_THAT(ExtractProcess("the 'reader' process"),
              Optional(std::string("reader")));  // 4: nothing after process
  EXPECT_THAT(ExtractProcess("'client' sends"),
              Optional(std::string("client")));  // 5
  EXPECT_THAT(ExtractProcess("the writer is 'user2'"),
              Optional(std::string("writer")));  // 6
  EXPECT_THAT(ExtractProcess("The Reader is 'user1' today"),
              Optional(std::string("Reader")));
  EXPECT_THAT(ExtractProcess("two readers 'a' and 'b' connect"),
              Optional(std::string("reader")));  // 7
  EXPECT_THAT(ExtractProcess("two writers 'a' and 'b'"),
              Optional(std::string("writer")));
}

TEST(ExtractProcessTest, SingularisesLikeHarmony) {
  // Only the exact lower-case plurals, and not after the first pattern.
  EXPECT_THAT(ExtractProcess("Two Readers 'a' and 'b'"),
              Optional(std::string("Readers")));
  EXPECT_THAT(ExtractProcess("'readers' wait"),
              Optional(std::string("reader")));
  EXPECT_THAT(ExtractProcess("the 'writers' process waits"),
              Optional(std::string("writers")));
}

TEST(ExtractProcessTest, IgnoresTheFormsHarmonyDoesNotKnow) {
  for (const char* text : {
           "a second 'writer' process attempts to connect",
           "a new 'reader' process attempts to create buffer 'x'",
           "a 'writer' process attempts to connect", "two 'reader' processes",
           "kill reader process", "another writer connects",
           "the platform is 'Linux'",
           "the 'reader-1' starts",  // '-' is not a word character
           "the 'reader'",           // pattern 4 needs whitespace after
       }) {
    EXPECT_EQ(ExtractProcess(text), std::nullopt) << text;
  }
}

TEST(ExtractProcessTest, UsesDotNetCharacterClasses) {
  // .NET's \w and \s are Unicode: a non-ASCII name and a no-break space
  // name processes as they do under Harmony.
  EXPECT_THAT(ExtractProcess("the 'r\xC3\xA9"
                             "ader' starts"),
              Optional(std::string("r\xC3\xA9"
                                   "ader")));
  EXPECT_THAT(ExtractProcess("the\xC2\xA0'reader' starts"),
              Optional(std::string("reader")));
}

}  // namespace
}  // namespace zerobuffer::harmony
