#include "tests/harmony/buffer_cleanup.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/shared_memory.h"
#include "tests/support/leftovers.h"
#include "tests/support/unique_names.h"

namespace zerobuffer::harmony {
namespace {

using ::testing::IsEmpty;

TEST(BufferCleanupTest, IsolationSuffixIsWhatTheServesAppend) {
  EXPECT_EQ(IsolationSuffix(41235, 1), "_41235_1");
}

TEST(BufferCleanupTest, FindsTheBufferOfEachObject) {
  EXPECT_EQ(BufferNameOfObject("/dev/shm/test-basic_1_1"), "test-basic_1_1");
  EXPECT_EQ(BufferNameOfObject("/dev/shm/sem.sem-w-test-basic_1_1"),
            "test-basic_1_1");
  EXPECT_EQ(BufferNameOfObject("/dev/shm/sem.sem-r-test-basic_1_1"),
            "test-basic_1_1");
  EXPECT_EQ(BufferNameOfObject("/tmp/zerobuffer/test-basic_1_1.lock"),
            "test-basic_1_1");
}

TEST(BufferCleanupTest, ObjectsBelongToTheirOwnSuffixOnly) {
  EXPECT_TRUE(BelongsToSuffix("/dev/shm/test-basic_41235_1", "_41235_1"));
  EXPECT_TRUE(BelongsToSuffix("/dev/shm/sem.sem-w-b_41235_1", "_41235_1"));
  EXPECT_TRUE(BelongsToSuffix("/dev/shm/duplex_41235_1_response", "_41235_1"));
  EXPECT_TRUE(
      BelongsToSuffix("/tmp/zerobuffer/test-basic_41235_1.lock", "_41235_1"));
  EXPECT_FALSE(BelongsToSuffix("/dev/shm/test-basic_41235_12", "_41235_1"))
      << "feature 12's buffer is not feature 1's";
  EXPECT_FALSE(BelongsToSuffix("/dev/shm/test-basic_9941235_1", "_41235_1"));
  EXPECT_TRUE(BelongsToSuffix("/dev/shm/x_41235_12_41235_1", "_41235_1"));
}

TEST(BufferCleanupTest, RemovesAbandonedObjects) {
  const std::string suffix =
      absl::StrCat("_", testing::TestProcessMarker(), "9");
  const std::string name = testing::UniqueBufferName("cleanup") + suffix;
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::CreateExclusive(name, 16);
  ASSERT_TRUE(segment.ok()) << segment.status();

  const CleanupReport report = RemoveBuffersWithSuffix(suffix);
  ASSERT_EQ(report.found.size(), 1u);
  EXPECT_EQ(BufferNameOfObject(report.found[0]), name);
  EXPECT_THAT(report.remaining, IsEmpty());
  EXPECT_THAT(testing::FindLeftovers(suffix), IsEmpty());
}

}  // namespace
}  // namespace zerobuffer::harmony
