// Subprocess on POSIX: spawning with piped streams, environment and another
// user's identity, exit statuses, waiting, killing and clean-up on
// destruction.

#include "platform/subprocess.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/privileges.h"
#include "platform/process.h"
#include "platform/testing/children.h"
#include "platform/testing/environment.h"
#include "tests/platform/test_util.h"
#include "tests/support/pipe_reader.h"

namespace zerobuffer::testing {
namespace {

using platform::ExitStatus;
using platform::Subprocess;
using platform::SubprocessOptions;
using platform::UserIdentity;
using platform::testing::IsUnreapedChild;
using platform::testing::ScopedEnvironmentVariable;
using ::testing::HasSubstr;

class SubprocessTest : public LeakCheckedTest {};

SubprocessOptions Command(std::vector<std::string> argv) {
  SubprocessOptions options;
  options.argv = std::move(argv);
  return options;
}

SubprocessOptions Shell(const std::string& script) {
  return Command({"/bin/sh", "-c", script});
}

TEST_F(SubprocessTest, CapturesStdoutAndExitCode) {
  SubprocessOptions options = Shell("echo hi; exit 3");
  options.pipe_stdout = true;
  absl::StatusOr<Subprocess> child = Subprocess::Spawn(options);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_NE(child->pid(), 0u);
  EXPECT_FALSE(child->stdin_pipe().valid());
  EXPECT_FALSE(child->stderr_pipe().valid());

  absl::StatusOr<std::string> output =
      PipeReader(&child->stdout_pipe()).ReadToEnd(kGenerousTimeout);
  ASSERT_TRUE(output.ok()) << output.status();
  EXPECT_EQ(*output, "hi\n");
  const ExitStatus status = child->Wait();
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_EQ(status.signal, std::nullopt);
  EXPECT_FALSE(status.success());
  EXPECT_EQ(status.ToString(), "exit code 3");
}

TEST_F(SubprocessTest, ExitCodeZeroIsSuccess) {
  absl::StatusOr<Subprocess> child = Subprocess::Spawn(Shell("exit 0"));
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_TRUE(child->Wait().success());
  // The status is kept once reaped.
  const std::optional<ExitStatus> again = child->TryWait();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->exit_code, 0);
}

TEST_F(SubprocessTest, StdinAndStderrPipes) {
  // cat echoes stdin to stderr until end of stream. It only sees end of
  // stream if no copy of the stdin pipe's write end leaked into it.
  SubprocessOptions options = Shell("exec /bin/cat >&2");
  options.pipe_stdin = true;
  options.pipe_stderr = true;
  absl::StatusOr<Subprocess> child = Subprocess::Spawn(options);
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_TRUE(child->stdin_pipe().WriteAll("ping\n").ok());
  child->stdin_pipe().Close();
  absl::StatusOr<std::string> echoed =
      PipeReader(&child->stderr_pipe()).ReadToEnd(kGenerousTimeout);
  ASSERT_TRUE(echoed.ok()) << echoed.status();
  EXPECT_EQ(*echoed, "ping\n");
  const std::optional<ExitStatus> status = child->WaitFor(kGenerousTimeout);
  ASSERT_TRUE(status.has_value()) << "cat did not see end of stream";
  EXPECT_TRUE(status->success()) << status->ToString();
}

TEST_F(SubprocessTest, EnvironmentOverridesReachTheChild) {
  // One variable set here and overridden, one set here and inherited, one
  // new: the child sees the overrides on top of our environment.
  const ScopedEnvironmentVariable overridden("ZB_PLATFORM_TEST_OVERRIDDEN",
                                             "parent");
  const ScopedEnvironmentVariable inherited("ZB_PLATFORM_TEST_INHERITED",
                                            "inherited");
  SubprocessOptions options =
      Shell(R"(printf '%s|%s|%s' "$ZB_X" "$ZB_PLATFORM_TEST_OVERRIDDEN" )"
            R"("$ZB_PLATFORM_TEST_INHERITED")");
  options.environment = {{"ZB_X", "a value = with spaces"},
                         {"ZB_PLATFORM_TEST_OVERRIDDEN", "child"}};
  options.pipe_stdout = true;
  absl::StatusOr<Subprocess> child = Subprocess::Spawn(options);
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<std::string> output =
      PipeReader(&child->stdout_pipe()).ReadToEnd(kGenerousTimeout);
  ASSERT_TRUE(output.ok()) << output.status();
  EXPECT_EQ(*output, "a value = with spaces|child|inherited");
  EXPECT_TRUE(child->Wait().success());
}

TEST_F(SubprocessTest, KillAbruptlyEndsWithSignal9) {
  absl::StatusOr<Subprocess> child =
      Subprocess::Spawn(Command({"/bin/sleep", "60"}));
  ASSERT_TRUE(child.ok()) << child.status();
  child->KillAbruptly();
  const ExitStatus status = child->Wait();
  EXPECT_EQ(status.signal, 9);
  EXPECT_EQ(status.exit_code, std::nullopt);
  EXPECT_FALSE(status.success());
  EXPECT_EQ(status.ToString(), "killed by signal 9 (SIGKILL)");
  // The status is kept once reaped, and killing a reaped child is a no-op.
  child->KillAbruptly();
  EXPECT_EQ(child->Wait().signal, 9);
}

// A server that ignores SIGPIPE for itself must not hand that on: the child
// starts with default dispositions.
TEST_F(SubprocessTest, ChildrenStartWithDefaultSignalHandling) {
  platform::IgnoreBrokenPipeSignal();
  absl::StatusOr<Subprocess> child =
      Subprocess::Spawn(Command({"/bin/sh", "-c", "kill -PIPE $$; exit 0"}));
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(child->Wait().signal, platform::testing::kBrokenPipeSignal);
}

TEST_F(SubprocessTest, WaitForTimesOutOnRunningChild) {
  absl::StatusOr<Subprocess> child =
      Subprocess::Spawn(Command({"/bin/sleep", "60"}));
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(child->WaitFor(absl::Milliseconds(20)), std::nullopt);
  EXPECT_EQ(child->WaitFor(absl::ZeroDuration()), std::nullopt);
  EXPECT_EQ(child->TryWait(), std::nullopt);
  EXPECT_TRUE(platform::IsProcessAlive(child->pid()));
  child->KillAbruptly();
  const std::optional<ExitStatus> status = child->WaitFor(kGenerousTimeout);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->signal, 9);
}

TEST_F(SubprocessTest, DestructionKillsAndReapsRunningChild) {
  platform::ProcessId pid = 0;
  {
    absl::StatusOr<Subprocess> child =
        Subprocess::Spawn(Command({"/bin/sleep", "60"}));
    ASSERT_TRUE(child.ok()) << child.status();
    pid = child->pid();
    ASSERT_TRUE(platform::IsProcessAlive(pid));
  }
  EXPECT_FALSE(platform::IsProcessAlive(pid));
  // Reaped, not left a zombie: it is no longer our child at all.
  EXPECT_FALSE(IsUnreapedChild(pid));
}

TEST_F(SubprocessTest, MoveAssignmentReleasesThePreviousChild) {
  absl::StatusOr<Subprocess> first =
      Subprocess::Spawn(Command({"/bin/sleep", "60"}));
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<Subprocess> second = Subprocess::Spawn(Shell("exit 4"));
  ASSERT_TRUE(second.ok()) << second.status();
  const platform::ProcessId first_pid = first->pid();
  const platform::ProcessId second_pid = second->pid();

  ASSERT_TRUE(IsUnreapedChild(first_pid));
  *first = *std::move(second);
  EXPECT_EQ(first->pid(), second_pid);
  EXPECT_FALSE(IsUnreapedChild(first_pid))
      << "the replaced child was not reaped";
  EXPECT_EQ(first->Wait().exit_code, 4);
}

// Runs `id` (as `user`, when set) and returns what it printed: the
// effective uid, the effective gid and all groups, one per line.
absl::StatusOr<std::string> Identity(std::optional<UserIdentity> user) {
  SubprocessOptions options =
      Shell("/usr/bin/id -u && /usr/bin/id -g && /usr/bin/id -G");
  options.pipe_stdout = true;
  options.user = user;
  absl::StatusOr<Subprocess> child = Subprocess::Spawn(options);
  if (!child.ok()) return child.status();
  absl::StatusOr<std::string> output =
      PipeReader(&child->stdout_pipe()).ReadToEnd(kGenerousTimeout);
  const ExitStatus status = child->Wait();
  if (output.ok() && !status.success()) {
    return absl::InternalError(absl::StrCat("id: ", status.ToString()));
  }
  return output;
}

TEST_F(SubprocessTest, BecomingTheUserWeAreTakesNoPrivilege) {
  absl::StatusOr<UserIdentity> self = platform::CurrentUser();
  ASSERT_TRUE(self.ok()) << self.status();
  absl::StatusOr<std::string> as_self = Identity(*self);
  ASSERT_TRUE(as_self.ok()) << as_self.status();
  // Nothing changes, supplementary groups included.
  absl::StatusOr<std::string> plain = Identity(std::nullopt);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(*as_self, *plain);
  EXPECT_THAT(*as_self, ::testing::StartsWith(
                            absl::StrCat(self->uid, "\n", self->gid, "\n")));
}

// The privileged half of SubprocessOptions::user: needs root, which may
// become anyone. Without root it checks that the attempt is refused.
TEST_F(SubprocessTest, ChildBecomesAnotherUserWithOnlyItsGroup) {
  absl::StatusOr<UserIdentity> self = platform::CurrentUser();
  ASSERT_TRUE(self.ok()) << self.status();
  absl::StatusOr<UserIdentity> nobody = platform::LookupUser("nobody");
  if (!nobody.ok()) GTEST_SKIP() << "no account 'nobody': " << nobody.status();
  if (nobody->uid == self->uid) GTEST_SKIP() << "the test runs as 'nobody'";

  absl::StatusOr<std::string> identity = Identity(*nobody);
  if (self->uid != 0) {
    EXPECT_EQ(identity.status().code(), absl::StatusCode::kPermissionDenied)
        << identity.status();
    EXPECT_THAT(identity.status().message(), HasSubstr("cannot become uid"));
    return;
  }
  ASSERT_TRUE(identity.ok()) << identity.status();
  // Supplementary groups dropped: the only group left is its own.
  EXPECT_EQ(*identity, absl::StrCat(nobody->uid, "\n", nobody->gid, "\n",
                                    nobody->gid, "\n"));
}

TEST_F(SubprocessTest, SpawnOfMissingProgramFails) {
  absl::StatusOr<Subprocess> child =
      Subprocess::Spawn(Command({"/nonexistent/zerobuffer-no-such-program"}));
  EXPECT_FALSE(child.ok());
  EXPECT_EQ(child.status().code(), absl::StatusCode::kNotFound)
      << child.status();
}

TEST_F(SubprocessTest, SpawnWithoutArgvIsInvalidArgument) {
  absl::StatusOr<Subprocess> child = Subprocess::Spawn(SubprocessOptions{});
  EXPECT_EQ(child.status().code(), absl::StatusCode::kInvalidArgument)
      << child.status();
}

}  // namespace
}  // namespace zerobuffer::testing
