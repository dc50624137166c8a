// The serve binary's command line: --help lists its own flags, bad flag
// values stop it before it serves, and the log level chosen by flag or
// environment decides what reaches stderr and the step replies.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/paths.h"
#include "platform/subprocess.h"
#include "serve/jsonrpc/framing.h"
#include "tests/contract/serve_process.h"
#include "tests/contract/serve_test_fixture.h"
#include "tests/support/run_to_end.h"

namespace zerobuffer::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr absl::Duration kTimeout = absl::Seconds(20);

// Runs the serve with `options` on `input` (raw bytes, then end of input)
// until it exits, with its stderr captured.
FinishedProcess RunServe(ServeOptions options, const std::string& input = "") {
  options.capture_stderr = true;
  absl::StatusOr<platform::SubprocessOptions> spawn =
      ServeSpawnOptions(FakeHostPid(), options);
  EXPECT_TRUE(spawn.ok()) << spawn.status();
  if (!spawn.ok()) return {};
  return RunToEnd(*std::move(spawn), input, kTimeout);
}

std::string Framed(const Json& message) {
  return jsonrpc::FrameMessage(message.dump());
}

// One step, "the test environment is initialized", which logs a Debug line
// (the step text) and an Information line ("Test environment reset").
std::string ResetStep() {
  return Framed(
      {{"jsonrpc", "2.0"},
       {"id", 2},
       {"method", "executeStep"},
       {"params", StepParams("the test environment is initialized")}});
}

// The Level of every log entry in the executeStep reply on `out`.
std::vector<int> ReplyLogLevels(const std::string& out) {
  const size_t body = out.find("\r\n\r\n");
  if (body == std::string::npos) {
    ADD_FAILURE() << "no reply on stdout: " << out;
    return {};
  }
  const Json reply = Json::parse(out.substr(body + 4), nullptr,
                                 /*allow_exceptions=*/false);
  const Json::json_pointer logs("/result/Logs");
  if (!reply.is_object() || !reply.contains(logs) ||
      !reply.at(logs).is_array()) {
    ADD_FAILURE() << "no result.Logs array in the reply: " << out;
    return {};
  }
  std::vector<int> levels;
  for (const Json& entry : reply.at(logs)) {
    if (!entry.is_object() || !entry.contains("Level") ||
        !entry.at("Level").is_number_integer()) {
      ADD_FAILURE() << "a log entry without an integer Level: " << entry;
      continue;
    }
    levels.push_back(entry.at("Level").get<int>());
  }
  return levels;
}

TEST(ServeCommandLineTest, HelpListsTheServesOwnFlags) {
  const FinishedProcess help = RunServe({.arguments = {"--help"}});
  ASSERT_TRUE(help.exit.has_value());
  EXPECT_THAT(help.out,
              AllOf(HasSubstr("--step_timeout"), HasSubstr("--log_level"),
                    HasSubstr("--max_message_bytes")));
  EXPECT_THAT(help.out, Not(HasSubstr("No flags matched")));
}

TEST(ServeCommandLineTest, BadFlagValuesStopItWithAClearError) {
  for (const std::string flag :
       {"--step_timeout=0s", "--step_timeout=-5s", "--step_timeout=inf",
        "--max_message_bytes=0", "--max_message_bytes=-1",
        "--max_message_bytes=2000000000", "--log_level=loud"}) {
    const FinishedProcess run = RunServe({.arguments = {flag}}, ResetStep());
    ASSERT_TRUE(run.exit.has_value()) << flag;
    EXPECT_FALSE(run.exit->success()) << flag << ": " << run.exit->ToString();
    const std::string name = flag.substr(0, flag.find('='));
    EXPECT_THAT(run.err, HasSubstr(name)) << flag;
    EXPECT_THAT(run.out, IsEmpty()) << flag << ": nothing may be served";
  }
}

constexpr char kTerminalHint[] = "waiting for Content-Length framed JSON-RPC";

// Started by hand on a terminal, serve says what it waits for; util-linux's
// script(1) gives it one (its stdin, stdout and stderr), and its end of
// input ends the serve.
TEST(ServeCommandLineTest, OnATerminalItSaysWhatItWaitsFor) {
  constexpr char kScript[] = "/usr/bin/script";
  if (!platform::FileExists(kScript)) GTEST_SKIP() << "no " << kScript;
  absl::StatusOr<platform::SubprocessOptions> serve =
      ServeSpawnOptions(FakeHostPid(), {});
  ASSERT_TRUE(serve.ok()) << serve.status();
  platform::SubprocessOptions on_terminal = *serve;
  on_terminal.argv = {kScript,
                      "--quiet",
                      "--return",
                      "--command",
                      absl::StrJoin(serve->argv, " "),
                      "/dev/null"};
  const FinishedProcess finished = RunToEnd(on_terminal, "", kTimeout);
  ASSERT_TRUE(finished.exit.has_value());
  EXPECT_TRUE(finished.exit->success()) << finished.exit->ToString();
  EXPECT_THAT(finished.out, HasSubstr(kTerminalHint));
}

// Harmony's pipes are no terminal: stderr stays free of the hint.
TEST(ServeCommandLineTest, OnPipesItSaysNothingUntilAsked) {
  const FinishedProcess finished = RunServe({});
  ASSERT_TRUE(finished.exit.has_value());
  EXPECT_THAT(finished.err, Not(HasSubstr(kTerminalHint)));
}

TEST(ServeCommandLineTest, LogLevelIsInformationByDefault) {
  const FinishedProcess run = RunServe({}, ResetStep());
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_TRUE(run.exit->success()) << run.exit->ToString();
  EXPECT_THAT(run.err, HasSubstr("Information: Test environment reset"));
  EXPECT_THAT(run.err, Not(HasSubstr("Debug:")));
  EXPECT_THAT(ReplyLogLevels(run.out), Not(Contains(1)));
}

TEST(ServeCommandLineTest, LogLevelComesFromTheEnvironment) {
  const FinishedProcess run = RunServe(
      {.environment = {{"ZEROBUFFER_LOG_LEVEL", "DEBUG"}}}, ResetStep());
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_TRUE(run.exit->success()) << run.exit->ToString();
  EXPECT_THAT(run.err,
              HasSubstr("Debug: Step: the test environment is initialized"));
  EXPECT_THAT(ReplyLogLevels(run.out), Contains(1));
}

TEST(ServeCommandLineTest, LogLevelFlagOverridesTheEnvironment) {
  const FinishedProcess run =
      RunServe({.arguments = {"--log_level=WARNING"},
                .environment = {{"ZEROBUFFER_LOG_LEVEL", "DEBUG"}}},
               ResetStep());
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_TRUE(run.exit->success()) << run.exit->ToString();
  EXPECT_THAT(run.err, Not(HasSubstr("Debug:")));
  EXPECT_THAT(run.err, Not(HasSubstr("Information:")));
  EXPECT_THAT(ReplyLogLevels(run.out), IsEmpty());
}

TEST(ServeCommandLineTest, AnUnknownEnvironmentLevelWarnsAndStarts) {
  const FinishedProcess run = RunServe(
      {.environment = {{"ZEROBUFFER_LOG_LEVEL", "loud"}}}, ResetStep());
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_TRUE(run.exit->success()) << run.exit->ToString();
  EXPECT_THAT(run.err, HasSubstr("ZEROBUFFER_LOG_LEVEL=loud"));
  EXPECT_THAT(run.err, HasSubstr("Information: Test environment reset"));
}

}  // namespace
}  // namespace zerobuffer::testing
