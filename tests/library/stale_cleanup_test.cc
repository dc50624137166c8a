// Stale cleanup against buffers staged by hand: what a crashed reader leaves
// behind goes, and nothing of a reader that holds its lock file ever does,
// not even while its OIEB does not name it yet.

#include "zerobuffer/stale_cleanup.h"

#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/file_lock.h"
#include "platform/paths.h"
#include "platform/privileges.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "steps/support/buffer_objects.h"
#include "tests/support/leak_checked_test.h"
#include "tests/support/leftovers.h"
#include "tests/support/unique_names.h"
#include "zerobuffer/names.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::testing {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAreArray;

constexpr size_t kPrimaryDirectory = 0;
constexpr size_t kCompatDirectory = 1;

// A reader caught between creating its objects and publishing its PID: the
// segment and both semaphores exist, and the OIEB is all zeroes.
void CreateUnpublishedBuffer(
    const std::string& name,
    std::optional<uint32_t> permissions = std::nullopt) {
  const BufferObjectNames names = BufferObjectNames::For(name);
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::CreateExclusive(names.segment, kOiebSize + 1024,
                                              permissions);
  ASSERT_TRUE(segment.ok()) << segment.status();
  for (const std::string& semaphore :
       {names.write_semaphore, names.read_semaphore}) {
    absl::StatusOr<platform::NamedSemaphore> created =
        platform::NamedSemaphore::CreateExclusive(semaphore, 0, permissions);
    ASSERT_TRUE(created.ok()) << created.status();
  }
}

// Removes what a test staged; every object must have been there.
void RemoveStagedObjects(const std::string& name) {
  const absl::StatusOr<bool> removed =
      UnlinkBufferObjects(BufferObjectNames::For(name));
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_TRUE(*removed) << "nothing of buffer '" << name << "' was left";
}

// The segment and both semaphores of `name` that exist (lock files are
// checked on their own here).
std::vector<std::string> ExistingObjects(const std::string& name) {
  std::vector<std::string> found;
  for (const steps::BufferObject& object : steps::ObjectsOf(name)) {
    if (object.kind != steps::BufferObject::Kind::kLockFile &&
        steps::Exists(object)) {
      found.push_back(object.name);
    }
  }
  return found;
}

std::vector<std::string> AllObjectsOf(const std::string& name) {
  const BufferObjectNames names = BufferObjectNames::For(name);
  return {names.segment, names.write_semaphore, names.read_semaphore};
}

absl::StatusOr<platform::FileLock> HoldLockFile(const std::string& name,
                                                size_t directory) {
  const absl::Status made =
      platform::EnsureDirectory(LockDirectories()[directory]);
  if (!made.ok()) return made;
  return platform::FileLock::Acquire(LockFilePaths(name)[directory]);
}

// Lock files as a crashed reader leaves them: present, held by nobody.
void LeaveStaleLockFiles(const std::string& name) {
  for (size_t i = 0; i < LockDirectories().size(); ++i) {
    ASSERT_TRUE(platform::EnsureDirectory(LockDirectories()[i]).ok());
    std::ofstream file(LockFilePaths(name)[i]);
    ASSERT_TRUE(file.good()) << "cannot create " << LockFilePaths(name)[i];
  }
}

class HeldLockTest : public LeakCheckedTest,
                     public ::testing::WithParamInterface<size_t> {};

// The race of two readers: a scan removes a crashed reader's lock file, a
// new reader takes the name and creates its segment, and a second look of
// the scan must not mistake the unpublished PID for a dead reader.
TEST_P(HeldLockTest, ABufferWhoseLockFileIsHeldIsNeverRemoved) {
  const std::string name = UniqueBufferName("held-lock");
  const std::string lock_path = LockFilePaths(name)[GetParam()];
  absl::StatusOr<platform::FileLock> lock = HoldLockFile(name, GetParam());
  ASSERT_TRUE(lock.ok()) << lock.status();
  CreateUnpublishedBuffer(name);

  EXPECT_FALSE(
      RemoveBufferIfAbandoned(name, AbandonmentRule::kReaderAndWriterGone));
  EXPECT_FALSE(RemoveBufferIfAbandoned(name, AbandonmentRule::kReaderGone));
  const StaleCleanupReport report = CleanupStaleResources();
  EXPECT_THAT(report.removed_buffers, Not(Contains(name)));
  EXPECT_THAT(report.removed_lock_files, Not(Contains(lock_path)));
  EXPECT_THAT(ExistingObjects(name),
              UnorderedElementsAreArray(AllObjectsOf(name)))
      << "objects of a reader that holds " << lock_path << " were removed";
  EXPECT_TRUE(platform::FileLock::IsHeld(lock_path).value_or(false))
      << lock_path << " was taken from its holder";

  RemoveStagedObjects(name);
}

INSTANTIATE_TEST_SUITE_P(BothLockDirectories, HeldLockTest,
                         ::testing::Values(kPrimaryDirectory,
                                           kCompatDirectory));

using StaleCleanupTest = LeakCheckedTest;

TEST_F(StaleCleanupTest, AnUnlockedBufferWithoutAPublishedPidIsRemoved) {
  const std::string name = UniqueBufferName("unlocked");
  CreateUnpublishedBuffer(name);
  LeaveStaleLockFiles(name);

  StaleCleanupReport report;
  EXPECT_TRUE(RemoveBufferIfAbandoned(
      name, AbandonmentRule::kReaderAndWriterGone, &report));
  EXPECT_THAT(FindLeftovers(name), IsEmpty());
  // Another test process's scan may have been first; if not, ours did it.
  if (!report.removed_buffers.empty()) {
    EXPECT_THAT(report.removed_buffers, Contains(name));
    EXPECT_THAT(report.removed_lock_files,
                UnorderedElementsAreArray(LockFilePaths(name)));
  }
}

// A reader that takes only the C++ lock file still respects a C# reader's,
// which may be creating the segment it finds.
TEST_F(StaleCleanupTest, AReaderRespectsALockFileItDoesNotTakeItself) {
  const std::string name = UniqueBufferName("compat-held");
  absl::StatusOr<platform::FileLock> lock =
      HoldLockFile(name, kCompatDirectory);
  ASSERT_TRUE(lock.ok()) << lock.status();
  CreateUnpublishedBuffer(name);

  ReaderOptions without_compat_lock;
  without_compat_lock.hold_compat_lock = false;
  EXPECT_THROW(Reader reader(name, BufferConfig(0, 1024), without_compat_lock),
               ReaderAlreadyConnectedException);
  EXPECT_THAT(ExistingObjects(name),
              UnorderedElementsAreArray(AllObjectsOf(name)));

  RemoveStagedObjects(name);
}

// A scan or a closing writer removing a dead reader's objects holds their
// lock files for a moment; a reader creating the same name meanwhile must
// wait for it, not take the holder for a live reader.
TEST_F(StaleCleanupTest, AReaderOutwaitsTheRemovalOfADeadReadersBuffer) {
  const std::string name = UniqueBufferName("removal");
  CreateUnpublishedBuffer(name);
  std::vector<platform::FileLock> remover;
  for (size_t directory : {kPrimaryDirectory, kCompatDirectory}) {
    absl::StatusOr<platform::FileLock> lock = HoldLockFile(name, directory);
    ASSERT_TRUE(lock.ok()) << lock.status();
    remover.push_back(*std::move(lock));
  }

  std::optional<std::string> failure;
  std::thread reader_thread([&] {
    try {
      Reader reader(name, BufferConfig(0, 1024));
    } catch (const ZeroBufferException& error) {
      failure = error.what();
    }
  });
  // The remover's moment: far shorter than the reader's patience, and the
  // outcome is the same whether the reader starts before or after it.
  absl::SleepFor(absl::Milliseconds(50));
  RemoveStagedObjects(name);
  remover.clear();
  reader_thread.join();

  EXPECT_FALSE(failure.has_value()) << *failure;
  EXPECT_THAT(FindLeftovers(name), IsEmpty());
}

TEST_F(StaleCleanupTest, UnlinkingObjectsThatDoNotExistIsNoFailure) {
  const absl::StatusOr<bool> removed =
      UnlinkBufferObjects(BufferObjectNames::For(UniqueBufferName("none")));
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_FALSE(*removed);
}

// Another user's dead buffer, which the sticky /dev/shm keeps this process
// from removing: it is no abandoned buffer removed, so a reader creating the
// name reports it instead of failing to create a segment that still exists.
TEST_F(StaleCleanupTest, ObjectsThatCannotBeRemovedAreNotCalledRemoved) {
  const absl::StatusOr<platform::UserIdentity> self = platform::CurrentUser();
  ASSERT_TRUE(self.ok()) << self.status();
  if (self->uid != 0)
    GTEST_SKIP() << "staging another user's objects takes root";
  const absl::StatusOr<platform::UserIdentity> nobody =
      platform::LookupUser("nobody");
  if (!nobody.ok()) GTEST_SKIP() << "no account 'nobody': " << nobody.status();

  const std::string name = UniqueBufferName("not-ours");
  // Open to everyone, so only the removal is refused.
  CreateUnpublishedBuffer(name, 0666);
  const absl::StatusOr<std::string> seen = platform::RunAsUser(
      *nobody,
      [&name] {
        const absl::StatusOr<bool> unlinked =
            UnlinkBufferObjects(BufferObjectNames::For(name));
        const bool removed = RemoveBufferIfAbandoned(
            name, AbandonmentRule::kReaderAndWriterGone);
        return absl::StrCat(absl::StatusCodeToString(unlinked.status().code()),
                            ", ", removed ? "removed" : "kept");
      },
      absl::Seconds(10));
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(*seen, "PERMISSION_DENIED, kept")
      << "uid " << nobody->uid << " unlinking root's objects of '" << name
      << "'";
  EXPECT_THAT(ExistingObjects(name),
              UnorderedElementsAreArray(AllObjectsOf(name)));

  RemoveStagedObjects(name);
}

}  // namespace
}  // namespace zerobuffer::testing
