// FileLock on POSIX: flock(2)-based lock files, their removal, and how locks
// held by other open file descriptions and other processes are seen.

#include "platform/file_lock.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/paths.h"
#include "platform/subprocess.h"
#include "platform/testing/file_modes.h"
#include "tests/platform/test_util.h"
#include "tests/support/pipe_reader.h"

namespace zerobuffer::testing {
namespace {

using platform::FileExists;
using platform::FileLock;

class FileLockTest : public LeakCheckedTest {
 protected:
  void SetUp() override {
    directory_ = MakeTempDirectory();
    ASSERT_FALSE(directory_.empty());
  }

  std::string LockPath(const std::string& file) const {
    return platform::JoinPath(directory_, file);
  }

  std::string directory_;
};

// IsHeld for checks where an error is a failure, not something to inspect.
bool IsHeldOk(const std::string& path) {
  const absl::StatusOr<bool> held = FileLock::IsHeld(path);
  EXPECT_TRUE(held.ok()) << held.status();
  return held.value_or(false);
}

absl::StatusOr<platform::Subprocess> SpawnShell(const std::string& script,
                                                const std::string& argument) {
  platform::SubprocessOptions options;
  options.argv = {"/bin/sh", "-c", script, "sh", argument};
  options.pipe_stdin = true;
  options.pipe_stdout = true;
  return platform::Subprocess::Spawn(options);
}

TEST_F(FileLockTest, AcquireCreatesAndLocks) {
  const std::string path = LockPath("a.lock");
  ASSERT_FALSE(FileExists(path));
  absl::StatusOr<FileLock> lock = FileLock::Acquire(path);
  ASSERT_TRUE(lock.ok()) << lock.status();
  EXPECT_EQ(lock->path(), path);
  EXPECT_TRUE(FileExists(path));
  absl::StatusOr<bool> held = FileLock::IsHeld(path);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_TRUE(*held);
}

TEST_F(FileLockTest, AcquireTakesOverAnUnlockedExistingFile) {
  const std::string path = LockPath("left.lock");
  Touch(path);
  absl::StatusOr<FileLock> lock = FileLock::Acquire(path);
  ASSERT_TRUE(lock.ok()) << lock.status();
  EXPECT_TRUE(IsHeldOk(path));
}

TEST_F(FileLockTest, SecondAcquireOfHeldLockIsUnavailable) {
  const std::string path = LockPath("b.lock");
  absl::StatusOr<FileLock> first = FileLock::Acquire(path);
  ASSERT_TRUE(first.ok()) << first.status();
  // A second open file description conflicts with the first even within
  // one process: that is what lets two owners in one process exclude each
  // other.
  absl::StatusOr<FileLock> second = FileLock::Acquire(path);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable)
      << second.status();
  // The failed attempt must leave the holder's file in place.
  EXPECT_TRUE(FileExists(path));
  EXPECT_TRUE(IsHeldOk(path));
}

TEST_F(FileLockTest, DestructionRemovesFileAndReleasesLock) {
  const std::string path = LockPath("c.lock");
  {
    absl::StatusOr<FileLock> lock = FileLock::Acquire(path);
    ASSERT_TRUE(lock.ok()) << lock.status();
    ASSERT_TRUE(IsHeldOk(path));
  }
  EXPECT_FALSE(FileExists(path));
  absl::StatusOr<bool> held = FileLock::IsHeld(path);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_FALSE(*held);
  // Free again for the next owner.
  absl::StatusOr<FileLock> again = FileLock::Acquire(path);
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST_F(FileLockTest, MovedLockStaysHeldUntilTheNewOwnerGoes) {
  const std::string path = LockPath("move.lock");
  absl::StatusOr<FileLock> lock = FileLock::Acquire(path);
  ASSERT_TRUE(lock.ok()) << lock.status();
  {
    FileLock moved = *std::move(lock);
    EXPECT_EQ(moved.path(), path);
    lock = absl::UnknownError("moved away");  // Destroys the moved-from lock.
    EXPECT_TRUE(FileExists(path));
    EXPECT_TRUE(IsHeldOk(path));
  }
  EXPECT_FALSE(FileExists(path));
}

TEST_F(FileLockTest, IsHeldIsFalseForUnlockedOrMissingFile) {
  const std::string path = LockPath("d.lock");
  absl::StatusOr<bool> held = FileLock::IsHeld(path);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_FALSE(*held);

  Touch(path);
  held = FileLock::IsHeld(path);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_FALSE(*held);
  // The probe must not leave a lock of its own behind.
  absl::StatusOr<FileLock> lock = FileLock::Acquire(path);
  EXPECT_TRUE(lock.ok()) << lock.status();
}

TEST_F(FileLockTest, AcquireInMissingDirectoryFails) {
  absl::StatusOr<FileLock> lock =
      FileLock::Acquire(LockPath("no-such-dir/h.lock"));
  EXPECT_EQ(lock.status().code(), absl::StatusCode::kNotFound) << lock.status();
}

TEST_F(FileLockTest, PermissionsAreAppliedExactly) {
  const platform::testing::ScopedUmask strict(0077);
  for (const uint32_t mode : {0600u, 0666u, 0644u}) {
    SCOPED_TRACE(::testing::Message() << "mode 0" << std::oct << mode);
    const std::string path = LockPath("mode.lock");
    absl::StatusOr<FileLock> lock = FileLock::Acquire(path, mode);
    ASSERT_TRUE(lock.ok()) << lock.status();
    EXPECT_EQ(PermissionBits(path), static_cast<int>(mode))
        << std::oct << "actual 0" << PermissionBits(path);
  }
}

TEST_F(FileLockTest, LockHeldByChildProcessIsSeenAndDiesWithIt) {
  const std::string path = LockPath("child.lock");
  // One process that opens and locks the file itself (flock(1) on an fd of
  // the shell, not a forked helper), reports it, then blocks on stdin. No
  // descendant shares the descriptor, so SIGKILL to this pid frees the lock.
  absl::StatusOr<platform::Subprocess> child = SpawnShell(
      R"(exec 9>>"$1" && /usr/bin/flock -n 9 && echo locked && read x)", path);
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<std::string> said =
      PipeReader(&child->stdout_pipe()).ReadUntil("\n", kGenerousTimeout);
  ASSERT_TRUE(said.ok()) << said.status();
  ASSERT_EQ(*said, "locked\n") << "the child could not take the lock";

  absl::StatusOr<bool> held = FileLock::IsHeld(path);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_TRUE(*held);
  absl::StatusOr<FileLock> ours = FileLock::Acquire(path);
  EXPECT_EQ(ours.status().code(), absl::StatusCode::kUnavailable)
      << ours.status();
  EXPECT_TRUE(FileExists(path));

  // A crash: the kernel drops the lock with the process, the file stays.
  child->KillAbruptly();
  const platform::ExitStatus status = child->Wait();
  EXPECT_EQ(status.signal, 9) << status.ToString();
  held = FileLock::IsHeld(path);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_FALSE(*held);
  ASSERT_TRUE(FileExists(path));
  ours = FileLock::Acquire(path);
  ASSERT_TRUE(ours.ok()) << ours.status();
  ours = absl::UnknownError("released");  // Lets go of it, removing the file.
  EXPECT_FALSE(FileExists(path));
}

TEST_F(FileLockTest, ChildProcessCannotTakeOurLock) {
  const std::string path = LockPath("ours.lock");
  absl::StatusOr<FileLock> lock = FileLock::Acquire(path);
  ASSERT_TRUE(lock.ok()) << lock.status();
  // Another process sees our lock: flock -n fails instead of taking it.
  absl::StatusOr<platform::Subprocess> child = SpawnShell(
      R"(exec 9>>"$1" && /usr/bin/flock -n 9 && echo locked || echo busy)",
      path);
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<std::string> said =
      PipeReader(&child->stdout_pipe()).ReadToEnd(kGenerousTimeout);
  ASSERT_TRUE(said.ok()) << said.status();
  EXPECT_EQ(*said, "busy\n");
  EXPECT_EQ(child->Wait().exit_code, 0);
}

}  // namespace
}  // namespace zerobuffer::testing
