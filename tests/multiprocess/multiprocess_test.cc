// Reader and writer in separate processes: this test process on one side,
// a zb_peer process on the other.

#include <chrono>
#include <cstring>
#include <deque>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/file_lock.h"
#include "platform/paths.h"
#include "platform/shared_memory.h"
#include "steps/support/data_patterns.h"
#include "tests/support/frame_checks.h"
#include "tests/support/leftovers.h"
#include "tests/support/peer_process.h"
#include "tests/support/peer_test.h"
#include "tests/support/unique_names.h"
#include "zerobuffer/names.h"
#include "zerobuffer/stale_cleanup.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::testing {
namespace {

using std::chrono::milliseconds;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr milliseconds kReadTimeout{5000};

using MultiProcessTest = PeerTest;

// "held" or "free", or why that cannot be told.
std::string LockState(const std::string& path) {
  const absl::StatusOr<bool> held = platform::FileLock::IsHeld(path);
  if (!held.ok()) return held.status().ToString();
  return *held ? "held" : "free";
}

TEST_F(MultiProcessTest, SimpleWriteRead) {
  const std::string name = UniqueBufferName("simple");
  Reader reader(name, BufferConfig(1024, 10240));
  PeerProcess& writer = StartPeer();
  ASSERT_EQ(Ask(writer, absl::StrCat("connect ", name)), "ok");
  ASSERT_EQ(Ask(writer, "write 1 1024"), "ok 1");

  ExpectFrame(reader.read_frame(kReadTimeout), 1, 1024);
  EXPECT_EQ(reader.frames_read(), 1u);
}

TEST_F(MultiProcessTest, MetadataRoundTrip) {
  const std::string name = UniqueBufferName("metadata");
  Reader reader(name, BufferConfig(1024, 10240));
  EXPECT_THAT(reader.metadata(), IsEmpty());
  PeerProcess& writer = StartPeer();
  ASSERT_EQ(Ask(writer, absl::StrCat("connect ", name)), "ok");
  ASSERT_EQ(Ask(writer, "metadata 100"), "ok");

  EXPECT_EQ(reader.get_metadata_size(), 100u);
  EXPECT_EQ(steps::FindPatternMismatch(reader.metadata(), 0), std::nullopt);
  EXPECT_EQ(reader.oieb_snapshot().metadata_written_bytes, 108u);
  EXPECT_THAT(Ask(writer, "metadata 10"),
              StartsWith("error MetadataAlreadyWritten"));
}

TEST_F(MultiProcessTest, ZeroCopyWrite) {
  const std::string name = UniqueBufferName("zero-copy");
  Reader reader(name, BufferConfig(0, 102400));
  PeerProcess& writer = StartPeer();
  ASSERT_EQ(Ask(writer, absl::StrCat("connect ", name)), "ok");
  ASSERT_EQ(Ask(writer, "write_zero_copy 4096"), "ok 1");
  ASSERT_EQ(Ask(writer, "write_zero_copy 100"), "ok 2");

  ExpectFrame(reader.read_frame(kReadTimeout), 1, 4096);
  ExpectFrame(reader.read_frame(kReadTimeout), 2, 100);
}

TEST_F(MultiProcessTest, MixedFrameSizes) {
  const std::string name = UniqueBufferName("mixed");
  Reader reader(name, BufferConfig(1024, 102400));
  PeerProcess& writer = StartPeer();
  ASSERT_EQ(Ask(writer, absl::StrCat("connect ", name)), "ok");
  const size_t sizes[] = {100, 1024, 10240, 1};
  for (size_t size : sizes) {
    ASSERT_EQ(Ask(writer, absl::StrCat("write 1 ", size)), "ok 1");
  }
  uint64_t sequence = 1;
  for (size_t size : sizes) {
    ExpectFrame(reader.read_frame(kReadTimeout), sequence++, size);
  }
}

// The writer outpaces a reader that pauses between frames, so it keeps
// blocking for space and wrapping; every frame must still arrive intact.
TEST_F(MultiProcessTest, WrapAroundUnderSlowReader) {
  const std::string name = UniqueBufferName("slow-reader");
  Reader reader(name, BufferConfig(64, 10240));
  PeerProcess& writer = StartPeer();
  ASSERT_EQ(Ask(writer, absl::StrCat("connect ", name)), "ok");
  ASSERT_TRUE(writer.Post("write 40 1024").ok());
  for (uint64_t sequence = 1; sequence <= 40; ++sequence) {
    ExpectFrame(reader.read_frame(kReadTimeout), sequence, 1024);
    // A slow consumer (load shaping, not synchronisation).
    std::this_thread::sleep_for(milliseconds(2));
  }
  EXPECT_EQ(AwaitAnswer(writer), "ok 40");
  const OIEB oieb = reader.oieb_snapshot();
  EXPECT_EQ(oieb.payload_free_bytes, oieb.payload_size)
      << "all frames released, yet space is missing";
  EXPECT_GT(oieb.payload_written_count, 40u) << "the ring never wrapped";
}

// The production failure upstream fixed in 961910f: sequence jumps after
// thousands of wraps through a ring that holds about five frames.
TEST_F(MultiProcessTest, ThirtyFiveThousandFramesThroughASmallRing) {
  const std::string name = UniqueBufferName("high-volume");
  Reader reader(name, BufferConfig(64, 5 * (1024 + 16) + 100));
  PeerProcess& writer = StartPeer();
  ASSERT_EQ(Ask(writer, absl::StrCat("connect ", name)), "ok");
  constexpr uint64_t kFrames = 35000;
  ASSERT_TRUE(writer.Post(absl::StrCat("write ", kFrames, " 1024")).ok());
  for (uint64_t sequence = 1; sequence <= kFrames; ++sequence) {
    Frame frame = reader.read_frame(kReadTimeout);
    ASSERT_TRUE(frame.valid()) << "timed out at frame " << sequence;
    ASSERT_EQ(frame.sequence(), sequence);
    ASSERT_EQ(frame.size(), 1024u);
    ASSERT_EQ(steps::FindPatternMismatch(frame.span(), sequence), std::nullopt)
        << "frame " << sequence << " was overwritten";
  }
  EXPECT_EQ(AwaitAnswer(writer), absl::StrCat("ok ", kFrames));
  const OIEB oieb = reader.oieb_snapshot();
  EXPECT_EQ(oieb.payload_free_bytes, oieb.payload_size);
}

TEST_F(MultiProcessTest, BufferFullTimesOutThenRecovers) {
  const std::string name = UniqueBufferName("full");
  Reader reader(name, BufferConfig(1024, 10240));
  PeerProcess& writer = StartPeer();
  ASSERT_EQ(Ask(writer, absl::StrCat("connect ", name)), "ok");
  ASSERT_EQ(Ask(writer, "timeout 100"), "ok");
  // 9 frames of 1040 bytes fill 9360 of 10240 bytes; the 10th cannot fit.
  ASSERT_EQ(Ask(writer, "write 9 1024"), "ok 9");
  EXPECT_THAT(Ask(writer, "write 1 1024"), StartsWith("error BufferFull"));

  ExpectFrame(reader.read_frame(kReadTimeout), 1, 1024);  // and release it
  EXPECT_EQ(Ask(writer, "write 1 1024"), "ok 1");
}

TEST_F(MultiProcessTest, ExactFitFillsTheRing) {
  const std::string name = UniqueBufferName("exact-fit");
  Reader reader(name, BufferConfig(0, 10240));
  PeerProcess& writer = StartPeer();
  ASSERT_EQ(Ask(writer, absl::StrCat("connect ", name)), "ok");
  ASSERT_EQ(Ask(writer, "timeout 100"), "ok");
  ASSERT_EQ(Ask(writer, "write 1 10224"), "ok 1");
  EXPECT_EQ(reader.oieb_snapshot().payload_free_bytes, 0u);
  EXPECT_THAT(Ask(writer, "write 1 1"), StartsWith("error BufferFull"));

  ExpectFrame(reader.read_frame(kReadTimeout), 1, 10224);
  EXPECT_EQ(Ask(writer, "write 1 10224"), "ok 1");
  ExpectFrame(reader.read_frame(kReadTimeout), 2, 10224);
}

TEST_F(MultiProcessTest, SecondWriterIsRejectedAndFirstKeepsWorking) {
  const std::string name = UniqueBufferName("second-writer");
  Reader reader(name, BufferConfig(1024, 10240));
  PeerProcess& first = StartPeer();
  ASSERT_EQ(Ask(first, absl::StrCat("connect ", name)), "ok");

  EXPECT_THROW(Writer second(name), WriterAlreadyConnectedException);
  PeerProcess& other = StartPeer();
  EXPECT_THAT(Ask(other, absl::StrCat("connect ", name)),
              StartsWith("error WriterAlreadyConnected"));

  EXPECT_EQ(reader.oieb_snapshot().writer_pid, first.pid());
  ASSERT_EQ(Ask(first, "write 1 64"), "ok 1");
  ExpectFrame(reader.read_frame(kReadTimeout), 1, 64);
}

// Every writer session numbers its frames from 1; the reader follows a new
// writer process instead of reporting a sequence gap.
TEST_F(MultiProcessTest, ANewWriterSessionStartsAgainAtSequenceOne) {
  const std::string name = UniqueBufferName("sessions");
  Reader reader(name, BufferConfig(0, 10240));
  PeerProcess& first = StartPeer();
  ASSERT_EQ(Ask(first, absl::StrCat("connect ", name)), "ok");
  ASSERT_EQ(Ask(first, "write 2 32"), "ok 2");
  ASSERT_EQ(Ask(first, "close"), "ok");
  ExpectFrame(reader.read_frame(kReadTimeout), 1, 32);
  ExpectFrame(reader.read_frame(kReadTimeout), 2, 32);

  PeerProcess& second = StartPeer();
  ASSERT_EQ(Ask(second, absl::StrCat("connect ", name)), "ok");
  ASSERT_EQ(Ask(second, "write 1 32"), "ok 1");
  ExpectFrame(reader.read_frame(kReadTimeout), 1, 32);
}

TEST_F(MultiProcessTest, WriterBeforeReaderFindsNoBuffer) {
  PeerProcess& writer = StartPeer();
  EXPECT_THAT(
      Ask(writer, absl::StrCat("connect ", UniqueBufferName("none"))),
      AllOf(StartsWith("error BufferNotFound"), HasSubstr("no shared memory")));
}

TEST_F(MultiProcessTest, ReaderDetectsKilledWriter) {
  const std::string name = UniqueBufferName("writer-killed");
  Reader reader(name, BufferConfig(1024, 10240));
  PeerProcess& writer = StartPeer();
  ASSERT_EQ(Ask(writer, absl::StrCat("connect ", name)), "ok");
  ASSERT_EQ(Ask(writer, "write 1 16"), "ok 1");
  ExpectFrame(reader.read_frame(kReadTimeout), 1, 16);

  writer.KillAbruptly();
  EXPECT_TRUE(reader.oieb_snapshot().writer_pid != 0)
      << "a killed writer cannot have cleared its PID";
  EXPECT_FALSE(reader.is_writer_connected());
  EXPECT_THROW(reader.read_frame(kReadTimeout), WriterDeadException);
}

TEST_F(MultiProcessTest, WriterDetectsKilledReader) {
  const std::string name = UniqueBufferName("reader-killed");
  PeerProcess& reader = StartPeer();
  ASSERT_EQ(Ask(reader, absl::StrCat("create ", name, " 1024 10240")), "ok");
  Writer writer(name);
  writer.set_write_timeout(kReadTimeout);
  const std::vector<std::byte> frame = steps::MakePattern(1024, 0);
  for (int i = 0; i < 9; ++i) writer.write_frame(frame);  // ring now full
  reader.KillAbruptly();

  EXPECT_FALSE(writer.is_reader_connected());
  EXPECT_THROW(writer.write_frame(frame), ReaderDeadException);
  // The dead reader's objects are still there; a new reader clears them.
  Reader replacement(name, BufferConfig(1024, 10240));
  EXPECT_THAT(replacement.stale_cleanup_report().removed_buffers,
              Contains(name));
}

TEST_F(MultiProcessTest, NewReaderReplacesStaleResourcesOfKilledReader) {
  const std::string name = UniqueBufferName("replace");
  PeerProcess& first = StartPeer();
  ASSERT_EQ(Ask(first, absl::StrCat("create ", name, " 1024 10240")), "ok");
  // A writer stays attached to the old segment across the crash, which also
  // keeps other processes' stale scans from removing it before we look.
  // It checks the reader's liveness on every write more than 1 ms after the
  // previous check, and starting the second reader takes longer than that.
  WriterOptions check_every_write;
  check_every_write.liveness_check_interval = milliseconds(1);
  Writer old_writer(name, check_every_write);
  old_writer.write_frame(steps::MakePattern(64, 1));
  first.KillAbruptly();
  const std::string lock_file = LockFilePaths(name)[0];
  EXPECT_TRUE(platform::SharedMemory::Open(name).ok());
  EXPECT_EQ(LockState(lock_file), "free");

  PeerProcess& second = StartPeer();
  ASSERT_EQ(Ask(second, absl::StrCat("create ", name, " 1024 10240")), "ok");
  EXPECT_EQ(LockState(lock_file), "held");
  // The old writer is bound to the unlinked segment of the dead reader, and
  // says so on its next write even though that segment has room.
  EXPECT_FALSE(old_writer.is_reader_connected());
  EXPECT_THROW(old_writer.write_frame(steps::MakePattern(64, 2)),
               ReaderDeadException);
  old_writer.close();
  Writer writer(name);
  writer.write_frame(steps::MakePattern(64, 1));
  EXPECT_EQ(Ask(second, absl::StrCat("read 1 ", kReadTimeout.count())), "ok 1");
}

// A killed reader's buffer stays while its writer uses it: a stale scan
// must keep the lock files, which are how a later scan finds the buffer.
// The writer, its last user, removes all of it when it closes (writer.h).
TEST_F(MultiProcessTest, AKilledReadersBufferLastsUntilItsWriterCloses) {
  const std::string name = UniqueBufferName("last-user");
  PeerProcess& reader = StartPeer();
  ASSERT_EQ(Ask(reader, absl::StrCat("create ", name, " 0 4096")), "ok");
  Writer writer(name);
  writer.write_frame(steps::MakePattern(64, 1));
  reader.KillAbruptly();

  CleanupStaleResources();
  for (const std::string& lock_file : LockFilePaths(name)) {
    EXPECT_TRUE(platform::FileExists(lock_file))
        << lock_file << " went while the writer still used the buffer";
  }
  EXPECT_TRUE(platform::SharedMemory::Open(name).ok())
      << "the segment went while the writer still used it";

  writer.close();
  EXPECT_THAT(FindLeftovers(name), IsEmpty())
      << "left in /dev/shm or the lock directories after the writer closed";
}

TEST_F(MultiProcessTest, CorruptedFrameHeaderIsDetected) {
  const std::string name = UniqueBufferName("corrupt-header");
  Reader reader(name, BufferConfig(0, 10240));
  PeerProcess& writer = StartPeer();
  ASSERT_EQ(Ask(writer, absl::StrCat("connect ", name)), "ok");
  ASSERT_EQ(Ask(writer, "write 1 100"), "ok 1");

  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(name);
  ASSERT_TRUE(segment.ok()) << segment.status();
  const uint64_t huge_size = 1 << 20;  // far past the ring end
  std::memcpy(segment->data() + kOiebSize, &huge_size, sizeof(huge_size));

  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      reader.read_frame(kReadTimeout);
      ADD_FAILURE() << "a corrupt header was accepted";
    } catch (const InvalidFrameSizeException& error) {
      EXPECT_THAT(error.what(), HasSubstr("past buffer boundary"));
    }
  }
}

}  // namespace
}  // namespace zerobuffer::testing
