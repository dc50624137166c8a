// Process identity and liveness on POSIX, and DieAbruptly.

#include "platform/process.h"

#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/shared_memory.h"
#include "platform/subprocess.h"
#include "tests/platform/test_util.h"
#include "tests/support/pipe_reader.h"
#include "tests/support/unique_names.h"

namespace zerobuffer::testing {
namespace {

using platform::IsProcessAlive;
using platform::ProcessId;

class ProcessTest : public LeakCheckedTest {};

absl::StatusOr<platform::Subprocess> Spawn(std::vector<std::string> argv) {
  platform::SubprocessOptions options;
  options.argv = std::move(argv);
  return platform::Subprocess::Spawn(options);
}

TEST_F(ProcessTest, CurrentProcessIdIsWhatOurChildrenCallTheirParent) {
  platform::SubprocessOptions options;
  options.argv = {"/bin/sh", "-c", "echo $PPID"};
  options.pipe_stdout = true;
  absl::StatusOr<platform::Subprocess> child =
      platform::Subprocess::Spawn(options);
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<std::string> output =
      PipeReader(&child->stdout_pipe()).ReadToEnd(kGenerousTimeout);
  ASSERT_TRUE(output.ok()) << output.status();
  EXPECT_EQ(*output, absl::StrCat(platform::CurrentProcessId(), "\n"));
  EXPECT_TRUE(child->Wait().success());
}

TEST_F(ProcessTest, OwnProcessIsAlive) {
  EXPECT_TRUE(IsProcessAlive(platform::CurrentProcessId()));
}

TEST_F(ProcessTest, PidZeroIsNeverAlive) {
  // kill(0, 0) would succeed: it addresses our own process group.
  EXPECT_FALSE(IsProcessAlive(0));
}

TEST_F(ProcessTest, PidsBeyondPidTAreDead) {
  const ProcessId own = platform::CurrentProcessId();
  EXPECT_FALSE(IsProcessAlive(static_cast<ProcessId>(INT_MAX) + 1));
  // Truncated to 32 bits this is our own pid, and all ones would become
  // kill(-1, 0), which addresses every process we may signal.
  EXPECT_FALSE(IsProcessAlive((ProcessId{1} << 32) + own));
  EXPECT_FALSE(IsProcessAlive(std::numeric_limits<ProcessId>::max()));
  EXPECT_FALSE(IsProcessAlive(static_cast<ProcessId>(UINT32_MAX)));
}

TEST_F(ProcessTest, RunningChildIsAliveAndReapedChildIsDead) {
  absl::StatusOr<platform::Subprocess> child = Spawn({"/bin/sleep", "60"});
  ASSERT_TRUE(child.ok()) << child.status();
  const ProcessId pid = child->pid();
  EXPECT_TRUE(IsProcessAlive(pid));
  child->KillAbruptly();
  child->Wait();
  EXPECT_FALSE(IsProcessAlive(pid));
}

TEST_F(ProcessTest, ChildThatExitedAndWasReapedIsDead) {
  absl::StatusOr<platform::Subprocess> child =
      Spawn({"/bin/sh", "-c", "exit 0"});
  ASSERT_TRUE(child.ok()) << child.status();
  const ProcessId pid = child->pid();
  EXPECT_EQ(child->Wait().exit_code, 0);
  EXPECT_FALSE(IsProcessAlive(pid));
}

TEST_F(ProcessTest, KilledButUnreapedChildIsDead) {
  absl::StatusOr<platform::Subprocess> child = Spawn({"/bin/sleep", "60"});
  ASSERT_TRUE(child.ok()) << child.status();
  const ProcessId pid = child->pid();
  ASSERT_TRUE(IsProcessAlive(pid));

  child->KillAbruptly();
  // Nothing announces the end of the exit without reaping; poll. The child
  // stays a zombie until TryWait below, and a zombie holds no mappings, so
  // it must count as dead.
  EXPECT_TRUE(PollUntil([&] { return !IsProcessAlive(pid); }, absl::Seconds(5)))
      << "a killed, unreaped child still counts as alive";
  // It really was a zombie, not already gone.
  EXPECT_TRUE(std::filesystem::exists(absl::StrCat("/proc/", pid)));

  const std::optional<platform::ExitStatus> status = child->TryWait();
  ASSERT_TRUE(status.has_value()) << "the child was not reapable";
  EXPECT_EQ(status->signal, 9) << status->ToString();
}

TEST_F(ProcessTest, DieAbruptlyKillsWithoutCleaningUp) {
  const char* helper = std::getenv("ZB_DIE_ABRUPTLY_HELPER");
  ASSERT_NE(helper, nullptr) << "ZB_DIE_ABRUPTLY_HELPER is not set";
  const std::string name = UniqueBufferName("die");
  platform::SubprocessOptions options;
  options.argv = {helper, name};
  options.pipe_stdout = true;
  absl::StatusOr<platform::Subprocess> child =
      platform::Subprocess::Spawn(options);
  ASSERT_TRUE(child.ok()) << child.status();

  absl::StatusOr<std::string> output =
      PipeReader(&child->stdout_pipe()).ReadToEnd(kGenerousTimeout);
  const std::optional<platform::ExitStatus> status =
      child->WaitFor(kGenerousTimeout);
  ASSERT_TRUE(status.has_value()) << "the helper did not end";
  EXPECT_EQ(status->signal, 9) << status->ToString();
  ASSERT_TRUE(output.ok()) << output.status();
  EXPECT_EQ(*output, "") << "stdio buffers were flushed";

  // Neither the destructor nor the atexit handler ran: the segment, with
  // what the helper wrote, is still there.
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(name);
  ASSERT_TRUE(segment.ok()) << segment.status();
  EXPECT_EQ(std::memcmp(segment->data(), "alive", 5), 0);
  EXPECT_TRUE(platform::SharedMemory::Unlink(name).ok());
}

}  // namespace
}  // namespace zerobuffer::testing
