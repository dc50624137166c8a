// NamedSemaphore on POSIX: counting, waiting with and without timeouts,
// opening, unlinking and permissions of sem_open semaphores.

#include "platform/semaphore.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/paths.h"
#include "platform/testing/file_modes.h"
#include "platform/testing/interrupts.h"
#include "tests/platform/test_util.h"
#include "tests/support/unique_names.h"

namespace zerobuffer::testing {
namespace {

using platform::NamedSemaphore;
using WaitResult = NamedSemaphore::WaitResult;

class SemaphoreTest : public LeakCheckedTest {};

TEST_F(SemaphoreTest, FilesystemPathIsUnderDevShm) {
  EXPECT_EQ(NamedSemaphore::FilesystemPath("sem-1"), "/dev/shm/sem.sem-1");
}

TEST_F(SemaphoreTest, CreateExclusiveSetsInitialCount) {
  const std::string name = UniqueBufferName("sem-initial");
  absl::StatusOr<NamedSemaphore> sem = NamedSemaphore::CreateExclusive(name, 3);
  ASSERT_TRUE(sem.ok()) << sem.status();
  EXPECT_EQ(sem->Value(), 3);
  EXPECT_TRUE(platform::FileExists(*NamedSemaphore::FilesystemPath(name)));
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

TEST_F(SemaphoreTest, PostAndTryWaitCount) {
  const std::string name = UniqueBufferName("sem-count");
  absl::StatusOr<NamedSemaphore> sem = NamedSemaphore::CreateExclusive(name, 0);
  ASSERT_TRUE(sem.ok()) << sem.status();
  EXPECT_FALSE(sem->TryWait());
  EXPECT_EQ(sem->Value(), 0);

  ASSERT_TRUE(sem->Post().ok());
  ASSERT_TRUE(sem->Post().ok());
  EXPECT_EQ(sem->Value(), 2);
  EXPECT_TRUE(sem->TryWait());
  EXPECT_EQ(sem->Value(), 1);
  EXPECT_TRUE(sem->TryWait());
  EXPECT_FALSE(sem->TryWait());
  EXPECT_EQ(sem->Value(), 0);
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

TEST_F(SemaphoreTest, ZeroOrNegativeTimeoutActsLikeTryWait) {
  const std::string name = UniqueBufferName("sem-zero");
  absl::StatusOr<NamedSemaphore> sem = NamedSemaphore::CreateExclusive(name, 1);
  ASSERT_TRUE(sem.ok()) << sem.status();
  EXPECT_EQ(sem->Wait(absl::ZeroDuration()), WaitResult::kAcquired);
  EXPECT_EQ(sem->Value(), 0);
  EXPECT_EQ(sem->Wait(absl::ZeroDuration()), WaitResult::kTimedOut);
  EXPECT_EQ(sem->Wait(-absl::Seconds(1)), WaitResult::kTimedOut);
  ASSERT_TRUE(sem->Post().ok());
  EXPECT_EQ(sem->Wait(-absl::Seconds(1)), WaitResult::kAcquired);
  EXPECT_EQ(sem->Value(), 0);
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

TEST_F(SemaphoreTest, ShortTimeoutOnZeroCountTimesOut) {
  const std::string name = UniqueBufferName("sem-timeout");
  absl::StatusOr<NamedSemaphore> sem = NamedSemaphore::CreateExclusive(name, 0);
  ASSERT_TRUE(sem.ok()) << sem.status();
  EXPECT_EQ(sem->Wait(absl::Milliseconds(20)), WaitResult::kTimedOut);
  EXPECT_EQ(sem->Value(), 0);
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

TEST_F(SemaphoreTest, TimedWaitTakesAvailableCount) {
  const std::string name = UniqueBufferName("sem-available");
  absl::StatusOr<NamedSemaphore> sem = NamedSemaphore::CreateExclusive(name, 1);
  ASSERT_TRUE(sem.ok()) << sem.status();
  EXPECT_EQ(sem->Wait(absl::Milliseconds(20)), WaitResult::kAcquired);
  EXPECT_EQ(sem->Value(), 0);
  ASSERT_TRUE(sem->Post().ok());
  EXPECT_EQ(sem->Wait(absl::InfiniteDuration()), WaitResult::kAcquired);
  EXPECT_EQ(sem->Value(), 0);
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

TEST_F(SemaphoreTest, WaitReturnsAfterPostFromAnotherThread) {
  const std::string name = UniqueBufferName("sem-thread");
  absl::StatusOr<NamedSemaphore> sem = NamedSemaphore::CreateExclusive(name, 0);
  ASSERT_TRUE(sem.ok()) << sem.status();
  // The poster goes through its own handle, as a peer process would.
  absl::StatusOr<NamedSemaphore> peer = NamedSemaphore::Open(name);
  ASSERT_TRUE(peer.ok()) << peer.status();

  // Whether the post lands before or during the wait, the wait must take it.
  absl::Status posted;
  std::thread poster([&] { posted = peer->Post(); });
  const WaitResult result = sem->Wait(kGenerousTimeout);
  poster.join();
  EXPECT_TRUE(posted.ok()) << posted;
  EXPECT_EQ(result, WaitResult::kAcquired);
  EXPECT_EQ(sem->Value(), 0);

  // Same with an unbounded wait.
  std::thread second_poster([&] { posted = peer->Post(); });
  EXPECT_EQ(sem->Wait(absl::InfiniteDuration()), WaitResult::kAcquired);
  second_poster.join();
  EXPECT_TRUE(posted.ok()) << posted;
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

// Signals interrupt the wait over and over (EINTR): it must resume with the
// time left, neither ending early as if timed out nor missing the post.
TEST_F(SemaphoreTest, InterruptedWaitsResumeUntilTheirDeadline) {
  const std::string name = UniqueBufferName("sem-eintr");
  absl::StatusOr<NamedSemaphore> sem = NamedSemaphore::CreateExclusive(name, 0);
  ASSERT_TRUE(sem.ok()) << sem.status();
  constexpr absl::Duration kWait = absl::Milliseconds(300);

  std::atomic<platform::testing::ThreadHandle> waiter{0};
  std::atomic<bool> done{false};
  WaitResult timed_out_result = WaitResult::kAcquired;
  absl::Duration waited;
  WaitResult posted_result = WaitResult::kTimedOut;
  std::thread waiting([&] {
    waiter.store(platform::testing::CurrentThread());
    const absl::Time start = absl::Now();
    timed_out_result = sem->Wait(kWait);
    waited = absl::Now() - start;
    posted_result = sem->Wait(kGenerousTimeout);
    done.store(true);
  });
  while (waiter.load() == 0) std::this_thread::yield();
  const int64_t handled_before =
      platform::testing::SignalStorm::signals_handled();
  absl::Status posted;
  {
    platform::testing::SignalStorm storm(waiter.load(), absl::Milliseconds(2));
    // The first wait ends by its deadline; the second by the post, which
    // comes once the storm has interrupted it a few times. A broken retry
    // ends both waits early instead.
    const absl::Time give_up = absl::Now() + kGenerousTimeout;
    while (platform::testing::SignalStorm::signals_handled() <
               handled_before + 200 &&
           !done.load() && absl::Now() < give_up) {
      std::this_thread::yield();
    }
    posted = sem->Post();
    waiting.join();
  }
  EXPECT_TRUE(posted.ok()) << posted;
  EXPECT_EQ(timed_out_result, WaitResult::kTimedOut);
  EXPECT_GE(waited, kWait) << "an interrupted wait ended early";
  EXPECT_EQ(posted_result, WaitResult::kAcquired);
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

// A post happens before the wait that takes its count: what the poster
// wrote before posting, the waiter may read without other synchronisation.
// The zerobuffer protocol relies on exactly that. Under --config=tsan this
// fails with a data race report unless ThreadSanitizer sees the timed wait.
TEST_F(SemaphoreTest, TimedWaitSeesWhatThePosterWrote) {
  const std::string name = UniqueBufferName("sem-order");
  absl::StatusOr<NamedSemaphore> sem = NamedSemaphore::CreateExclusive(name, 0);
  ASSERT_TRUE(sem.ok()) << sem.status();
  absl::StatusOr<NamedSemaphore> peer = NamedSemaphore::Open(name);
  ASSERT_TRUE(peer.ok()) << peer.status();

  int payload = 0;  // Deliberately not atomic.
  absl::Status posted;
  std::thread poster([&] {
    payload = 42;
    posted = peer->Post();
  });
  const WaitResult result = sem->Wait(kGenerousTimeout);
  const int seen = payload;
  poster.join();
  EXPECT_TRUE(posted.ok()) << posted;
  ASSERT_EQ(result, WaitResult::kAcquired);
  EXPECT_EQ(seen, 42);
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

TEST_F(SemaphoreTest, OpenSharesTheCounter) {
  const std::string name = UniqueBufferName("sem-open");
  absl::StatusOr<NamedSemaphore> created =
      NamedSemaphore::CreateExclusive(name, 2);
  ASSERT_TRUE(created.ok()) << created.status();
  absl::StatusOr<NamedSemaphore> opened = NamedSemaphore::Open(name);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->Value(), 2);

  EXPECT_TRUE(opened->TryWait());
  EXPECT_EQ(created->Value(), 1);
  ASSERT_TRUE(created->Post().ok());
  ASSERT_TRUE(created->Post().ok());
  EXPECT_EQ(opened->Value(), 3);
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

TEST_F(SemaphoreTest, CreateExclusiveOnExistingNameIsAlreadyExists) {
  const std::string name = UniqueBufferName("sem-exists");
  absl::StatusOr<NamedSemaphore> first =
      NamedSemaphore::CreateExclusive(name, 5);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<NamedSemaphore> second =
      NamedSemaphore::CreateExclusive(name, 0);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists)
      << second.status();
  // The failed create neither reset the count nor removed the name.
  EXPECT_EQ(first->Value(), 5);
  absl::StatusOr<NamedSemaphore> opened = NamedSemaphore::Open(name);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->Value(), 5);
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

TEST_F(SemaphoreTest, OpenMissingIsNotFound) {
  absl::StatusOr<NamedSemaphore> opened =
      NamedSemaphore::Open(UniqueBufferName("sem-missing"));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound)
      << opened.status();
}

TEST_F(SemaphoreTest, UnlinkMissingIsNotFound) {
  const absl::Status unlinked =
      NamedSemaphore::Unlink(UniqueBufferName("sem-missing"));
  EXPECT_EQ(unlinked.code(), absl::StatusCode::kNotFound) << unlinked;
}

TEST_F(SemaphoreTest, UnlinkRemovesNameButKeepsHandleUsable) {
  const std::string name = UniqueBufferName("sem-unlink");
  absl::StatusOr<NamedSemaphore> sem = NamedSemaphore::CreateExclusive(name, 1);
  ASSERT_TRUE(sem.ok()) << sem.status();
  ASSERT_TRUE(NamedSemaphore::Unlink(name).ok());

  EXPECT_FALSE(platform::FileExists(*NamedSemaphore::FilesystemPath(name)));
  absl::StatusOr<NamedSemaphore> opened = NamedSemaphore::Open(name);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound)
      << opened.status();

  EXPECT_TRUE(sem->TryWait());
  EXPECT_TRUE(sem->Post().ok());
  EXPECT_EQ(sem->Value(), 1);
}

TEST_F(SemaphoreTest, PostAtMaximumIsResourceExhausted) {
  const std::string name = UniqueBufferName("sem-max");
  // SEM_VALUE_MAX is INT_MAX on Linux.
  constexpr uint32_t kMax = std::numeric_limits<int>::max();
  absl::StatusOr<NamedSemaphore> sem =
      NamedSemaphore::CreateExclusive(name, kMax);
  ASSERT_TRUE(sem.ok()) << sem.status();
  const absl::Status posted = sem->Post();
  EXPECT_EQ(posted.code(), absl::StatusCode::kResourceExhausted) << posted;
  EXPECT_EQ(sem->Value(), std::numeric_limits<int>::max());
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
}

TEST_F(SemaphoreTest, PermissionsAreAppliedExactly) {
  const platform::testing::ScopedUmask strict(0077);
  for (const uint32_t mode : {0600u, 0666u, 0640u}) {
    SCOPED_TRACE(::testing::Message() << "mode 0" << std::oct << mode);
    const std::string name = UniqueBufferName("sem-mode");
    absl::StatusOr<NamedSemaphore> sem =
        NamedSemaphore::CreateExclusive(name, 0, mode);
    ASSERT_TRUE(sem.ok()) << sem.status();
    const std::string path = *NamedSemaphore::FilesystemPath(name);
    EXPECT_EQ(PermissionBits(path), static_cast<int>(mode))
        << std::oct << "actual 0" << PermissionBits(path);
    EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
  }
}

TEST_F(SemaphoreTest, MoveTransfersTheHandle) {
  const std::string name = UniqueBufferName("sem-move");
  absl::StatusOr<NamedSemaphore> sem = NamedSemaphore::CreateExclusive(name, 1);
  ASSERT_TRUE(sem.ok()) << sem.status();
  NamedSemaphore moved = *std::move(sem);
  EXPECT_EQ(moved.Value(), 1);
  EXPECT_TRUE(moved.TryWait());

  // Move-assignment closes the target's old handle and takes the new one.
  const std::string other_name = UniqueBufferName("sem-move");
  absl::StatusOr<NamedSemaphore> other =
      NamedSemaphore::CreateExclusive(other_name, 4);
  ASSERT_TRUE(other.ok()) << other.status();
  moved = *std::move(other);
  EXPECT_EQ(moved.Value(), 4);
  EXPECT_TRUE(NamedSemaphore::Unlink(name).ok());
  EXPECT_TRUE(NamedSemaphore::Unlink(other_name).ok());
}

}  // namespace
}  // namespace zerobuffer::testing
