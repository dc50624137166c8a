// The MUSTs of protocol.md section 16 that a peer can observe, checked on
// the bytes and OS objects themselves rather than through the library's own
// view of them.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/file_lock.h"
#include "platform/paths.h"
#include "platform/process.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "steps/support/data_patterns.h"
#include "tests/support/frame_checks.h"
#include "tests/support/leak_checked_test.h"
#include "tests/support/leftovers.h"
#include "tests/support/unique_names.h"
#include "zerobuffer/names.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::testing {
namespace {

using std::chrono::milliseconds;
using steps::MakePattern;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::Eq;

constexpr milliseconds kTimeout{5000};

class ProtocolConformanceTest : public LeakCheckedTest {
 protected:
  // The count of semaphore `semaphore_name`, or -1 when it cannot be read.
  static int SemaphoreCount(const std::string& semaphore_name) {
    absl::StatusOr<platform::NamedSemaphore> semaphore =
        platform::NamedSemaphore::Open(semaphore_name);
    if (!semaphore.ok()) {
      ADD_FAILURE() << semaphore.status();
      return -1;
    }
    return semaphore->Value().value_or(-1);
  }
};

// 3.2: every field of a fresh OIEB, and its first word as peers read it.
TEST_F(ProtocolConformanceTest, ANewBufferHasTheOiebOfSection3_2) {
  const std::string name = UniqueBufferName("oieb");
  Reader reader(name, BufferConfig(100, 1000));  // Msz 128, P 1024
  const OIEB oieb = reader.oieb_snapshot();
  EXPECT_EQ(oieb.oieb_size, 128u);
  EXPECT_EQ(oieb.version.major, 1);
  EXPECT_EQ(oieb.version.minor, 0);
  EXPECT_EQ(oieb.version.patch, 0);
  EXPECT_EQ(oieb.version.reserved, 0);
  EXPECT_EQ(oieb.metadata_size, 128u);
  EXPECT_EQ(oieb.metadata_free_bytes, 128u);
  EXPECT_EQ(oieb.metadata_written_bytes, 0u);
  EXPECT_EQ(oieb.payload_size, 1024u);
  EXPECT_EQ(oieb.payload_free_bytes, oieb.payload_size);
  EXPECT_EQ(oieb.payload_write_pos, 0u);
  EXPECT_EQ(oieb.payload_read_pos, 0u);
  EXPECT_EQ(oieb.payload_written_count, 0u);
  EXPECT_EQ(oieb.payload_read_count, 0u);
  EXPECT_EQ(oieb.writer_pid, 0u);
  EXPECT_EQ(oieb.reader_pid, platform::CurrentProcessId());
  EXPECT_THAT(oieb.reserved, Each(Eq(0u)));

  // A second mapping, as a peer process sees the segment.
  const absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(name);
  ASSERT_TRUE(segment.ok()) << segment.status();
  uint64_t first_word = 0;
  std::memcpy(&first_word, segment->data(), sizeof(first_word));
  EXPECT_EQ(first_word, 0x0000000100000080u);
}

// 3.1: 128 + align64(metadata) + align64(payload), exactly.
TEST_F(ProtocolConformanceTest, TheSegmentHasExactlyTheSizeOfSection3_1) {
  struct Case {
    BufferConfig config;
    size_t segment_size;
  };
  for (const Case& c :
       {Case{BufferConfig(100, 1000), 1280}, Case{BufferConfig(0, 1000), 1152},
        Case{BufferConfig(64, 10240), 10432}}) {
    const std::string name = UniqueBufferName("size");
    Reader reader(name, c.config);
    const absl::StatusOr<platform::SharedMemory> segment =
        platform::SharedMemory::Open(name);
    ASSERT_TRUE(segment.ok()) << segment.status();
    EXPECT_EQ(segment->size(), c.segment_size)
        << "BufferConfig(" << c.config.metadata_size << ", "
        << c.config.payload_size << ")";
  }
}

// 2.2 and 2.3: the kernel names peers open, and both lock files held.
TEST_F(ProtocolConformanceTest, TheObjectsHaveTheNamesOfSection2) {
  const std::string name = UniqueBufferName("names");
  if (!platform::SharedMemory::FilesystemPath(name).has_value()) {
    GTEST_SKIP() << "segments are not files on this OS";
  }
  Reader reader(name, BufferConfig(0, 1024));
  for (const std::string& path : {absl::StrCat("/dev/shm/", name),
                                  absl::StrCat("/dev/shm/sem.sem-w-", name),
                                  absl::StrCat("/dev/shm/sem.sem-r-", name)}) {
    EXPECT_TRUE(platform::FileExists(path)) << path << " is missing";
  }
  const std::string lock_name = absl::StrCat(name, ".lock");
  EXPECT_THAT(LockFilePaths(name),
              ElementsAre(absl::StrCat("/tmp/zerobuffer/", lock_name),
                          platform::JoinPath(platform::CompatLockDirectory(),
                                             lock_name)));
  for (const std::string& lock_file : LockFilePaths(name)) {
    EXPECT_TRUE(platform::FileLock::IsHeld(lock_file).value_or(false))
        << lock_file << " is not held";
  }
}

// 4: both semaphores are created with count 0.
TEST_F(ProtocolConformanceTest, BothSemaphoresStartAtZero) {
  const std::string name = UniqueBufferName("semaphores");
  Reader reader(name, BufferConfig(0, 1024));
  const BufferObjectNames names = BufferObjectNames::For(name);
  EXPECT_EQ(SemaphoreCount(names.write_semaphore), 0);
  EXPECT_EQ(SemaphoreCount(names.read_semaphore), 0);
}

// 5.5: close clears reader_pid (seen by the writer, which still maps the
// segment) and removes the segment, both semaphores and both lock files.
TEST_F(ProtocolConformanceTest, ClosingTheReaderClearsItsPidAndItsObjects) {
  const std::string name = UniqueBufferName("close");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name);
  const std::vector<std::string> objects = ObjectPaths(name);
  ASSERT_EQ(objects.size(), 5u) << "segment, 2 semaphores, 2 lock files";
  for (const std::string& path : objects) {
    EXPECT_TRUE(platform::FileExists(path)) << path << " is missing";
  }

  reader.close();
  EXPECT_EQ(writer.oieb_snapshot().reader_pid, 0u);
  for (const std::string& path : objects) {
    EXPECT_FALSE(platform::FileExists(path)) << path << " outlived close()";
  }
}

// 3.5 / 16 SHOULD: W is stored mod P, so a frame that ends exactly at the
// ring end leaves the write position at 0, not P.
TEST_F(ProtocolConformanceTest, TheWritePositionIsStoredModuloTheRingSize) {
  const std::string name = UniqueBufferName("write-pos");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name);
  writer.write_frame(MakePattern(1008, 1));  // 16 + 1008 = the whole ring
  EXPECT_EQ(writer.oieb_snapshot().payload_write_pos, 0u);
  ExpectFrame(reader.read_frame(kTimeout), 1, 1008);

  writer.write_frame(MakePattern(100, 2));  // [0, 116)
  ExpectFrame(reader.read_frame(kTimeout), 2, 100);
  writer.write_frame(MakePattern(892, 3));  // [116, 1024): ends at the ring end
  EXPECT_EQ(writer.oieb_snapshot().payload_write_pos, 0u);
  ExpectFrame(reader.read_frame(kTimeout), 3, 892);
}

// A ring of 1024 bytes with frames 1 and 2 written, read and released, the
// write position at 800 and the 224 bytes from there to the ring end set to
// 0xFF, so whatever a wrap writes there shows.
class WrapTest : public ProtocolConformanceTest {
 protected:
  static constexpr uint64_t kOldWritePos = 800;

  void SetUp() override {
    name_ = UniqueBufferName("wrap");
    reader_.emplace(name_, BufferConfig(0, 1024));
    writer_.emplace(name_);
    for (uint64_t sequence = 1; sequence <= 2; ++sequence) {
      writer_->write_frame(MakePattern(384, sequence));  // 400 bytes each
      ExpectFrame(reader_->read_frame(kTimeout), sequence, 384);
    }
    absl::StatusOr<platform::SharedMemory> segment =
        platform::SharedMemory::Open(name_);
    ASSERT_TRUE(segment.ok()) << segment.status();
    segment_.emplace(*std::move(segment));
    ASSERT_EQ(writer_->oieb_snapshot().payload_write_pos, kOldWritePos);
    std::fill(Ring() + kOldWritePos, Ring() + 1024, std::byte{0xFF});
  }

  void TearDown() override {
    segment_.reset();
    writer_.reset();
    reader_.reset();
    ProtocolConformanceTest::TearDown();
  }

  std::byte* Ring() const { return segment_->data() + kOiebSize; }

  std::string name_;
  std::optional<Reader> reader_;
  std::optional<Writer> writer_;
  std::optional<platform::SharedMemory> segment_;
};

// 3.5: a 300-byte frame does not fit the 224-byte tail, so the writer puts
// a {0, 0} marker at 800 and the frame at 0; both count as written.
TEST_F(WrapTest, AWrapLeavesAZeroMarkerAtTheOldWritePosition) {
  writer_->write_frame(MakePattern(284, 3));
  std::array<std::byte, kFrameHeaderSize> marker;
  std::memcpy(marker.data(), Ring() + kOldWritePos, marker.size());
  EXPECT_THAT(marker, Each(Eq(std::byte{0})))
      << "no {0, 0} wrap marker at offset " << kOldWritePos;
  FrameHeader at_start;
  std::memcpy(&at_start, Ring(), sizeof(at_start));
  EXPECT_EQ(at_start.payload_size, 284u);
  EXPECT_EQ(at_start.sequence_number, 3u);
  const OIEB oieb = writer_->oieb_snapshot();
  EXPECT_EQ(oieb.payload_write_pos, 300u);
  EXPECT_EQ(oieb.payload_written_count, 4u) << "2 frames, a marker, a frame";
  ExpectFrame(reader_->read_frame(kTimeout), 3, 284);
}

// 3.5 and 4: the marker and the frame after it are signalled once.
TEST_F(WrapTest, TheMarkerAndItsFrameAreOneSemWPost) {
  const std::string frames_written =
      BufferObjectNames::For(name_).write_semaphore;
  ASSERT_EQ(SemaphoreCount(frames_written), 0);
  writer_->write_frame(MakePattern(284, 3));
  EXPECT_EQ(SemaphoreCount(frames_written), 1);
  ExpectFrame(reader_->read_frame(kTimeout), 3, 284);
  EXPECT_EQ(SemaphoreCount(frames_written), 0);
  EXPECT_FALSE(reader_->try_read_frame().valid())
      << "a second signal delivered something";
}

}  // namespace
}  // namespace zerobuffer::testing
