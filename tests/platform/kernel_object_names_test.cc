// GlobalObjectName on POSIX, where every process shares one namespace: the
// global name is the name, and both reach the same object.

#include "platform/kernel_object_names.h"

#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "platform/shared_memory.h"
#include "tests/platform/test_util.h"
#include "tests/support/unique_names.h"

namespace zerobuffer::testing {
namespace {

using platform::GlobalObjectName;
using platform::SharedMemory;

class KernelObjectNamesTest : public LeakCheckedTest {};

TEST_F(KernelObjectNamesTest, GlobalNameIsTheNameItself) {
  EXPECT_EQ(GlobalObjectName("frames-1"), "frames-1");
  EXPECT_EQ(GlobalObjectName("sem-w-frames-1"), "sem-w-frames-1");
}

TEST_F(KernelObjectNamesTest, GlobalAndPlainNamesReachTheSameSegment) {
  const std::string name = UniqueBufferName("global");
  absl::StatusOr<SharedMemory> created =
      SharedMemory::CreateExclusive(GlobalObjectName(name), 4096);
  ASSERT_TRUE(created.ok()) << created.status();
  std::memcpy(created->data(), "global", 6);

  absl::StatusOr<SharedMemory> opened = SharedMemory::Open(name);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(std::memcmp(opened->data(), "global", 6), 0);
  EXPECT_TRUE(SharedMemory::Unlink(name).ok());
}

}  // namespace
}  // namespace zerobuffer::testing
