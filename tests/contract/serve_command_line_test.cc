// The serve binary's command line: --help lists its own flags, bad flag
// values stop it before it serves, and the log level chosen by flag or
// environment decides what reaches stderr and the step replies.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/process.h"
#include "platform/subprocess.h"
#include "serve/jsonrpc/framing.h"
#include "tests/contract/serve_process.h"
#include "tests/contract/serve_test_fixture.h"

namespace zerobuffer::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr absl::Duration kTimeout = absl::Seconds(20);

struct Finished {
  std::optional<platform::ExitStatus> exit;
  std::string out;
  std::string err;
};

// Runs the serve with `options` on `input` (raw bytes, then end of input)
// until it exits.
Finished RunToEnd(ServeOptions options, const std::string& input = "") {
  options.capture_stderr = true;
  Finished finished;
  absl::StatusOr<ServeProcess> serve =
      ServeProcess::Start(FakeHostPid(), options);
  EXPECT_TRUE(serve.ok()) << serve.status();
  if (!serve.ok()) return finished;
  // A serve that refuses its flags may be gone before the input arrives:
  // the write then fails rather than killing the test.
  platform::IgnoreBrokenPipeSignal();
  serve->WriteRaw(input).IgnoreError();
  serve->CloseStdin();
  absl::StatusOr<std::string> out = serve->ReadStdoutToEnd(kTimeout);
  absl::StatusOr<std::string> err = serve->ReadStderrToEnd(kTimeout);
  EXPECT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(err.ok()) << err.status();
  finished.out = out.value_or("");
  finished.err = err.value_or("");
  finished.exit = serve->WaitFor(kTimeout);
  return finished;
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
  const Json reply = Json::parse(out.substr(body + 4), nullptr, false);
  std::vector<int> levels;
  for (const Json& entry : reply["result"]["Logs"]) {
    levels.push_back(entry["Level"].get<int>());
  }
  return levels;
}

TEST(ServeCommandLineTest, HelpListsTheServesOwnFlags) {
  const Finished help = RunToEnd({.arguments = {"--help"}});
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
    const Finished run = RunToEnd({.arguments = {flag}}, ResetStep());
    ASSERT_TRUE(run.exit.has_value()) << flag;
    EXPECT_FALSE(run.exit->success()) << flag << ": " << run.exit->ToString();
    const std::string name = flag.substr(0, flag.find('='));
    EXPECT_THAT(run.err, HasSubstr(name)) << flag;
    EXPECT_THAT(run.out, IsEmpty()) << flag << ": nothing may be served";
  }
}

TEST(ServeCommandLineTest, LogLevelIsInformationByDefault) {
  const Finished run = RunToEnd({}, ResetStep());
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_TRUE(run.exit->success()) << run.exit->ToString();
  EXPECT_THAT(run.err, HasSubstr("Information: Test environment reset"));
  EXPECT_THAT(run.err, Not(HasSubstr("Debug:")));
  EXPECT_THAT(ReplyLogLevels(run.out), Not(Contains(1)));
}

TEST(ServeCommandLineTest, LogLevelComesFromTheEnvironment) {
  const Finished run = RunToEnd(
      {.environment = {{"ZEROBUFFER_LOG_LEVEL", "DEBUG"}}}, ResetStep());
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_TRUE(run.exit->success()) << run.exit->ToString();
  EXPECT_THAT(run.err,
              HasSubstr("Debug: Step: the test environment is initialized"));
  EXPECT_THAT(ReplyLogLevels(run.out), Contains(1));
}

TEST(ServeCommandLineTest, LogLevelFlagOverridesTheEnvironment) {
  const Finished run =
      RunToEnd({.arguments = {"--log_level=WARNING"},
                .environment = {{"ZEROBUFFER_LOG_LEVEL", "DEBUG"}}},
               ResetStep());
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_TRUE(run.exit->success()) << run.exit->ToString();
  EXPECT_THAT(run.err, Not(HasSubstr("Debug:")));
  EXPECT_THAT(run.err, Not(HasSubstr("Information:")));
  EXPECT_THAT(ReplyLogLevels(run.out), IsEmpty());
}

TEST(ServeCommandLineTest, AnUnknownEnvironmentLevelWarnsAndStarts) {
  const Finished run = RunToEnd(
      {.environment = {{"ZEROBUFFER_LOG_LEVEL", "loud"}}}, ResetStep());
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_TRUE(run.exit->success()) << run.exit->ToString();
  EXPECT_THAT(run.err, HasSubstr("ZEROBUFFER_LOG_LEVEL=loud"));
  EXPECT_THAT(run.err, HasSubstr("Information: Test environment reset"));
}

}  // namespace
}  // namespace zerobuffer::testing
