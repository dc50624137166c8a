// SharedMemory on POSIX: exclusive creation, opening, unlinking, sizing and
// permissions of shm_open segments.

#include "platform/shared_memory.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/paths.h"
#include "platform/testing/file_modes.h"
#include "tests/platform/test_util.h"
#include "tests/support/unique_names.h"

namespace zerobuffer::testing {
namespace {

using platform::SharedMemory;

// Fills `memory` with a pattern that depends on `seed` and the offset, so
// that a mismatch shows which mapping the bytes came from.
void FillPattern(const SharedMemory& memory, uint8_t seed) {
  for (size_t i = 0; i < memory.size(); ++i) {
    memory.data()[i] = static_cast<std::byte>((i * 31 + seed) & 0xff);
  }
}

// The offset of the first byte that does not match FillPattern's, or -1.
int64_t PatternMismatch(const SharedMemory& memory, uint8_t seed) {
  for (size_t i = 0; i < memory.size(); ++i) {
    if (memory.data()[i] != static_cast<std::byte>((i * 31 + seed) & 0xff)) {
      return static_cast<int64_t>(i);
    }
  }
  return -1;
}

class SharedMemoryTest : public LeakCheckedTest {};

TEST_F(SharedMemoryTest, FilesystemPathIsUnderDevShm) {
  EXPECT_EQ(SharedMemory::FilesystemPath("frames-1"), "/dev/shm/frames-1");
}

TEST_F(SharedMemoryTest, CreateThenOpenSharesBytesAndSize) {
  const std::string name = UniqueBufferName("shm-share");
  // Not a multiple of the page size: Open must report the exact size.
  constexpr size_t kSize = 10000;
  absl::StatusOr<SharedMemory> created =
      SharedMemory::CreateExclusive(name, kSize);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_NE(created->data(), nullptr);
  EXPECT_EQ(created->size(), kSize);
  FillPattern(*created, 7);

  absl::StatusOr<SharedMemory> opened = SharedMemory::Open(name);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->size(), kSize);
  EXPECT_NE(opened->data(), created->data()) << "expected a second mapping";
  EXPECT_EQ(PatternMismatch(*opened, 7), -1);

  // And back the other way: both map the same pages.
  FillPattern(*opened, 99);
  EXPECT_EQ(PatternMismatch(*created, 99), -1);

  EXPECT_TRUE(SharedMemory::Unlink(name).ok());
}

TEST_F(SharedMemoryTest, NewSegmentIsZeroFilled) {
  const std::string name = UniqueBufferName("shm-zero");
  constexpr size_t kSize = 3 * 4096 + 17;
  absl::StatusOr<SharedMemory> created =
      SharedMemory::CreateExclusive(name, kSize);
  ASSERT_TRUE(created.ok()) << created.status();
  size_t nonzero = 0;
  for (size_t i = 0; i < created->size(); ++i) {
    if (created->data()[i] != std::byte{0}) ++nonzero;
  }
  EXPECT_EQ(nonzero, 0u);
  EXPECT_TRUE(SharedMemory::Unlink(name).ok());
}

TEST_F(SharedMemoryTest,
       CreateExclusiveOnExistingNameFailsWithoutDisturbingIt) {
  const std::string name = UniqueBufferName("shm-exists");
  absl::StatusOr<SharedMemory> first =
      SharedMemory::CreateExclusive(name, 4096);
  ASSERT_TRUE(first.ok()) << first.status();
  FillPattern(*first, 3);

  // A different size: a second create that truncated or re-created the
  // segment would show up in the size or the bytes.
  absl::StatusOr<SharedMemory> second =
      SharedMemory::CreateExclusive(name, 8192);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists)
      << second.status();

  EXPECT_EQ(PatternMismatch(*first, 3), -1);
  absl::StatusOr<SharedMemory> opened = SharedMemory::Open(name);
  ASSERT_TRUE(opened.ok()) << "the failed create removed the name: "
                           << opened.status();
  EXPECT_EQ(opened->size(), 4096u);
  EXPECT_EQ(PatternMismatch(*opened, 3), -1);

  EXPECT_TRUE(SharedMemory::Unlink(name).ok());
}

TEST_F(SharedMemoryTest, OpenMissingIsNotFound) {
  absl::StatusOr<SharedMemory> opened =
      SharedMemory::Open(UniqueBufferName("shm-missing"));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound)
      << opened.status();
}

TEST_F(SharedMemoryTest, UnlinkMissingIsNotFound) {
  const absl::Status unlinked =
      SharedMemory::Unlink(UniqueBufferName("shm-missing"));
  EXPECT_EQ(unlinked.code(), absl::StatusCode::kNotFound) << unlinked;
}

TEST_F(SharedMemoryTest, UnlinkRemovesNameButKeepsMappingUsable) {
  const std::string name = UniqueBufferName("shm-unlink");
  absl::StatusOr<SharedMemory> created =
      SharedMemory::CreateExclusive(name, 4096);
  ASSERT_TRUE(created.ok()) << created.status();
  FillPattern(*created, 11);

  ASSERT_TRUE(SharedMemory::Unlink(name).ok());
  EXPECT_FALSE(platform::FileExists(*SharedMemory::FilesystemPath(name)));
  absl::StatusOr<SharedMemory> opened = SharedMemory::Open(name);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound)
      << opened.status();

  // The mapping outlives the name: still readable and writable.
  EXPECT_EQ(PatternMismatch(*created, 11), -1);
  FillPattern(*created, 12);
  EXPECT_EQ(PatternMismatch(*created, 12), -1);
}

TEST_F(SharedMemoryTest, ZeroSizeIsInvalidArgumentAndCreatesNothing) {
  const std::string name = UniqueBufferName("shm-empty");
  absl::StatusOr<SharedMemory> created = SharedMemory::CreateExclusive(name, 0);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument)
      << created.status();
  EXPECT_FALSE(platform::FileExists(*SharedMemory::FilesystemPath(name)));
}

TEST_F(SharedMemoryTest, AbsurdSizeFailsCleanly) {
  const std::string name = UniqueBufferName("shm-huge");
  // A pebibyte: more than any /dev/shm can commit, yet a valid off_t, so
  // ftruncate succeeds on tmpfs and posix_fallocate has to refuse it.
  absl::StatusOr<SharedMemory> created =
      SharedMemory::CreateExclusive(name, size_t{1} << 50);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), absl::StatusCode::kResourceExhausted)
      << created.status();
  // The half-made segment must not block the name.
  EXPECT_FALSE(platform::FileExists(*SharedMemory::FilesystemPath(name)));
  absl::StatusOr<SharedMemory> opened = SharedMemory::Open(name);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound)
      << opened.status();
}

TEST_F(SharedMemoryTest, PermissionsAreAppliedExactly) {
  const platform::testing::ScopedUmask strict(0077);
  for (const uint32_t mode : {0600u, 0666u, 0640u}) {
    SCOPED_TRACE(::testing::Message() << "mode 0" << std::oct << mode);
    const std::string name = UniqueBufferName("shm-mode");
    absl::StatusOr<SharedMemory> created =
        SharedMemory::CreateExclusive(name, 4096, mode);
    ASSERT_TRUE(created.ok()) << created.status();
    const std::string path = *SharedMemory::FilesystemPath(name);
    EXPECT_EQ(PermissionBits(path), static_cast<int>(mode))
        << std::oct << "actual 0" << PermissionBits(path);
    EXPECT_TRUE(SharedMemory::Unlink(name).ok());
  }
}

TEST_F(SharedMemoryTest, MoveTransfersTheMapping) {
  const std::string name = UniqueBufferName("shm-move");
  absl::StatusOr<SharedMemory> created =
      SharedMemory::CreateExclusive(name, 4096);
  ASSERT_TRUE(created.ok()) << created.status();
  std::byte* const data = created->data();

  SharedMemory moved = *std::move(created);
  EXPECT_EQ(moved.data(), data);
  EXPECT_EQ(moved.size(), 4096u);
  EXPECT_EQ(created->data(), nullptr);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(created->size(), 0u);       // NOLINT(bugprone-use-after-move)
  FillPattern(moved, 5);                // Still mapped.
  EXPECT_EQ(PatternMismatch(moved, 5), -1);
  EXPECT_TRUE(SharedMemory::Unlink(name).ok());
}

}  // namespace
}  // namespace zerobuffer::testing
