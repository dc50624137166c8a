// Reader and Writer in one process, on real shared memory.

#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/paths.h"
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
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr milliseconds kTimeout{5000};

WriterOptions QuickTimeout() {
  WriterOptions options;
  options.write_timeout = milliseconds(100);
  return options;
}

using ReaderWriterTest = LeakCheckedTest;

std::string Name(const std::string& tag) { return UniqueBufferName(tag); }

TEST_F(ReaderWriterTest, FramesAndMetadataArriveIntact) {
  const std::string name = Name("basic");
  Reader reader(name, BufferConfig(1024, 10240));
  Writer writer(name);
  writer.set_metadata(MakePattern(100, 0));
  for (uint64_t sequence = 1; sequence <= 3; ++sequence) {
    writer.write_frame(MakePattern(1000, sequence));
  }
  EXPECT_EQ(steps::FindPatternMismatch(reader.metadata(), 0), std::nullopt);
  EXPECT_EQ(reader.get_metadata().size(), 100u);
  for (uint64_t sequence = 1; sequence <= 3; ++sequence) {
    ExpectFrame(reader.read_frame(kTimeout), sequence, 1000);
  }
  EXPECT_EQ(writer.frames_written(), 3u);
  EXPECT_EQ(writer.bytes_written(), 3000u);
  EXPECT_EQ(reader.frames_read(), 3u);
  EXPECT_EQ(reader.bytes_read(), 3000u);
}

// Both sides name the global namespace; on POSIX it is the only one, so
// the objects are where a session-namespace peer finds them too.
TEST_F(ReaderWriterTest, BuffersInTheGlobalNamespaceWork) {
  const std::string name = Name("global");
  ReaderOptions reader_options;
  reader_options.object_namespace = ObjectNamespace::kGlobal;
  Reader reader(name, BufferConfig(0, 10240), reader_options);
  ASSERT_TRUE(Reader::wait_exists(name, kTimeout, ObjectNamespace::kGlobal));
  WriterOptions writer_options;
  writer_options.object_namespace = ObjectNamespace::kGlobal;
  Writer writer(name, writer_options);
  writer.write_frame(MakePattern(100, 1));
  ExpectFrame(reader.read_frame(kTimeout), 1, 100);
}

TEST_F(ReaderWriterTest, HostileNamesAreRejectedBeforeAnythingIsCreated) {
  // The names carry a tag of their own, so that what they might create is
  // told apart from the objects of tests running alongside; those that
  // cannot are recognised by where their objects would be.
  const std::string tag = Name("hostile");
  const std::string hostile[] = {
      absl::StrCat("../", tag),
      absl::StrCat("../../", tag),
      absl::StrCat(tag, "/b"),
      absl::StrCat(tag, std::string("\0byte", 5)),
      absl::StrCat("sem.", tag),
      "",
      ".",
      "..",
  };
  std::set<std::string> their_objects;
  for (const std::string& name : hostile) {
    for (const std::string& path : ObjectPaths(name))
      their_objects.insert(path);
  }
  const DirectorySnapshot before = SnapshotObjectDirectories();

  for (const std::string& name : hostile) {
    EXPECT_THROW(Reader reader(name), InvalidBufferNameException) << name;
    EXPECT_THROW(Writer writer(name), InvalidBufferNameException) << name;
  }

  std::vector<std::string> created;
  for (const std::string& path :
       NewFiles(before, SnapshotObjectDirectories())) {
    if (absl::StrContains(path, tag) || their_objects.contains(path)) {
      created.push_back(path);
    }
  }
  EXPECT_THAT(created, IsEmpty())
      << "in /dev/shm, the lock directories or their parents";
}

TEST_F(ReaderWriterTest, NonsenseOptionsAreRejectedBeforeAnythingIsCreated) {
  const std::string name = Name("bad-options");
  ReaderOptions busy_reader;
  busy_reader.liveness_check_interval = milliseconds(0);
  EXPECT_THROW(Reader reader(name, BufferConfig(0, 1024), busy_reader),
               ZeroBufferException);
  EXPECT_THAT(FindLeftovers(name), IsEmpty());

  Reader reader(name, BufferConfig(0, 1024));
  WriterOptions busy_writer;
  busy_writer.liveness_check_interval = milliseconds(0);
  EXPECT_THROW(Writer writer(name, busy_writer), ZeroBufferException);
  EXPECT_EQ(reader.oieb_snapshot().writer_pid, 0u)
      << "the rejected writer took the writer slot";
  Writer writer(name);
  EXPECT_THROW(writer.set_write_timeout(milliseconds(-1)), ZeroBufferException);
  EXPECT_EQ(writer.get_write_timeout(), WriterOptions{}.write_timeout);
}

TEST_F(ReaderWriterTest, ImpossibleSizesAreRejectedCleanly) {
  const std::string name = Name("sizes");
  EXPECT_THROW(Reader reader(name, BufferConfig(0, 0)), ZeroBufferException);
  EXPECT_THROW(Reader reader(name, BufferConfig(0, ~size_t{0})),
               ZeroBufferException);
  // Larger than /dev/shm can ever back: the OS refuses at creation.
  EXPECT_THROW(Reader reader(name, BufferConfig(0, size_t{1} << 50)),
               ZeroBufferException);
}

// Defect R4: a zero-length frame would read as a wrap marker.
TEST_F(ReaderWriterTest, ZeroSizeFramesAreRejected) {
  const std::string name = Name("zero-frame");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name);
  EXPECT_THROW(writer.write_frame(nullptr, 0), InvalidFrameSizeException);
  uint64_t sequence = 0;
  EXPECT_THROW(writer.get_frame_buffer(0, sequence), InvalidFrameSizeException);
  writer.write_frame(MakePattern(1, 1));
  ExpectFrame(reader.read_frame(kTimeout), 1, 1);
}

// Defect R5: upstream C++ let oversized frames time out as BufferFull.
TEST_F(ReaderWriterTest, FramesLargerThanTheRingAreRejectedAtOnce) {
  const std::string name = Name("too-large");
  Reader reader(name, BufferConfig(0, 1024));
  WriterOptions patient;
  patient.write_timeout = std::chrono::hours(1);
  Writer writer(name, patient);
  EXPECT_THROW(writer.write_frame(MakePattern(1009, 1)),
               FrameTooLargeException);
  writer.write_frame(MakePattern(1008, 1));
  ExpectFrame(reader.read_frame(kTimeout), 1, 1008);
}

// Defect R2: a frame that can never wrap fails at once instead of waiting out
// the timeout (an hour here, which would time the test out).
TEST_F(ReaderWriterTest, AWrapThatCanNeverFitFailsFast) {
  const std::string name = Name("never-fits");
  Reader reader(name, BufferConfig(0, 1024));
  WriterOptions patient;
  patient.write_timeout = std::chrono::hours(1);
  Writer writer(name, patient);
  writer.write_frame(MakePattern(100, 1));  // W = 116
  reader.read_frame(kTimeout);              // read and released: ring empty
  try {
    writer.write_frame(MakePattern(1000, 2));
    FAIL() << "a 1016-byte frame cannot wrap at W = 116 of a 1024-byte ring";
  } catch (const FrameNeverFitsException& error) {
    EXPECT_EQ(error.code(), ErrorCode::kBufferFull);
    EXPECT_THAT(error.what(), HasSubstr("fits neither"));
  }
  // A frame that fits is written: the ring was only unusable for that one.
  writer.write_frame(MakePattern(100, 2));
  ExpectFrame(reader.read_frame(kTimeout), 2, 100);
}

// A ring that stays full for the write timeout is full, not unusable: the
// frame fits once the reader makes room.
TEST_F(ReaderWriterTest, ARingThatStaysFullIsNoFrameThatNeverFits) {
  const std::string name = Name("stays-full");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name, QuickTimeout());
  writer.write_frame(MakePattern(484, 1));  // [0, 500)
  writer.write_frame(MakePattern(484, 2));  // [500, 1000)
  try {
    writer.write_frame(MakePattern(100, 3));
    FAIL() << "a 116-byte frame was written into 24 free bytes";
  } catch (const FrameNeverFitsException& error) {
    FAIL() << "a full ring was reported as unusable: " << error.what();
  } catch (const BufferFullException& error) {
    EXPECT_THAT(error.what(), HasSubstr("within 100 ms"));
  }
  reader.read_frame(kTimeout).release();
  writer.write_frame(MakePattern(100, 3));
}

// Defect R1: frames of 984, 8 (ending exactly at the ring end), 1000, 1000
// bytes; upstream C++ readers threw "expected 4, got 0".
TEST_F(ReaderWriterTest, RingEndsAndShortTailsAreHandled) {
  const std::string name = Name("short-tail");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name, QuickTimeout());
  uint64_t sequence = 1;
  for (size_t size : {984, 8, 1000, 1000}) {
    writer.write_frame(MakePattern(size, sequence));
    ExpectFrame(reader.read_frame(kTimeout), sequence, size);
    ++sequence;
  }
}

TEST_F(ReaderWriterTest, AReaderStepsOverATailTooShortForAMarker) {
  const std::string name = Name("implicit-wrap");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name, QuickTimeout());
  writer.write_frame(MakePattern(584, 1));  // [0, 600)
  Frame first = reader.read_frame(kTimeout);
  // With the first frame held, wrapping early is not affordable, so this
  // one is written in place and leaves an 8-byte tail.
  writer.write_frame(MakePattern(400, 2));  // [600, 1016)
  EXPECT_EQ(writer.oieb_snapshot().payload_write_pos, 1016u);
  first.release();
  ExpectFrame(reader.read_frame(kTimeout), 2, 400);
  writer.write_frame(MakePattern(84, 3));  // the tail is skipped: [0, 100)
  EXPECT_EQ(writer.oieb_snapshot().payload_write_pos, 100u);
  ExpectFrame(reader.read_frame(kTimeout), 3, 84);
  const OIEB oieb = reader.oieb_snapshot();
  EXPECT_EQ(oieb.payload_free_bytes, oieb.payload_size);
}

// Defect R3, first variant (protocol.md 7.3): releasing the second of two
// frames while holding the first used to let the writer overwrite it.
TEST_F(ReaderWriterTest, AnOutOfOrderReleaseCannotExposeAHeldFrame) {
  const std::string name = Name("out-of-order");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name, QuickTimeout());
  writer.write_frame(MakePattern(384, 1));
  writer.write_frame(MakePattern(384, 2));
  Frame first = reader.read_frame(kTimeout);
  reader.read_frame(kTimeout).release();

  EXPECT_THROW(writer.write_frame(MakePattern(284, 3)), BufferFullException);
  ExpectFrame(first, 1, 384);
  first.release();
  writer.write_frame(MakePattern(284, 3));
  ExpectFrame(reader.read_frame(kTimeout), 3, 284);
}

// Defect R3, second variant: stepping over a wrap marker while holding the
// frame before it used to credit the tail and let the writer overwrite it.
TEST_F(ReaderWriterTest, AFrameHeldAcrossAWrapMarkerStaysIntact) {
  const std::string name = Name("held-across-wrap");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name, QuickTimeout());
  writer.write_frame(MakePattern(384, 1));  // [0, 400)
  writer.write_frame(MakePattern(384, 2));  // [400, 800)
  reader.read_frame(kTimeout).release();
  Frame second = reader.read_frame(kTimeout);
  writer.write_frame(MakePattern(284, 3));  // marker at 800, frame at [0, 300)
  Frame third = reader.read_frame(kTimeout);

  EXPECT_THROW(writer.write_frame(MakePattern(234, 4)), BufferFullException)
      << "[300, 550) would overwrite the held second frame";
  ExpectFrame(second, 2, 384);
  second.release();
  writer.write_frame(MakePattern(234, 4));
  ExpectFrame(third, 3, 284);
  ExpectFrame(reader.read_frame(kTimeout), 4, 234);
}

// Defect R9: an abandoned zero-copy buffer burned a sequence number.
TEST_F(ReaderWriterTest, AbandonedZeroCopyBuffersKeepTheSequence) {
  const std::string name = Name("zero-copy");
  Reader reader(name, BufferConfig(0, 10240));
  Writer writer(name);
  uint64_t sequence = 0;
  writer.get_frame_buffer(100, sequence);
  EXPECT_EQ(sequence, 1u);
  std::span<std::byte> buffer = writer.get_frame_buffer(200, sequence);
  EXPECT_EQ(sequence, 1u) << "the abandoned reservation took a number";
  steps::FillPattern(buffer, sequence);
  writer.commit_frame();
  EXPECT_THROW(writer.commit_frame(), ZeroBufferException);
  writer.get_frame_buffer(50, sequence);  // abandoned by the next write
  writer.write_frame(MakePattern(10, 2));
  ExpectFrame(reader.read_frame(kTimeout), 1, 200);
  ExpectFrame(reader.read_frame(kTimeout), 2, 10);
}

TEST_F(ReaderWriterTest, MetadataIsWriteOnceAndSizeChecked) {
  const std::string name = Name("metadata");
  Reader reader(name, BufferConfig(100, 1024));  // block rounds up to 128
  {
    Writer writer(name);
    EXPECT_THROW(writer.set_metadata(MakePattern(121, 0)),
                 MetadataTooLargeException);
    std::span<std::byte> block = writer.get_metadata_buffer(120);
    steps::FillPattern(block, 0);
    writer.commit_metadata();
    EXPECT_THROW(writer.set_metadata(MakePattern(1, 0)),
                 MetadataAlreadyWrittenException);
  }
  // Defect R18: a second writer session must not overwrite it either.
  Writer second_session(name);
  EXPECT_THROW(second_session.set_metadata(MakePattern(1, 0)),
               MetadataAlreadyWrittenException);
  EXPECT_EQ(reader.get_metadata_size(), 120u);
  EXPECT_EQ(steps::FindPatternMismatch(reader.metadata(), 0), std::nullopt);
  EXPECT_EQ(reader.oieb_snapshot().metadata_free_bytes, 0u);
}

// Defect R17: zero-length metadata made upstream C++ and Python readers throw.
TEST_F(ReaderWriterTest, EmptyMetadataReadsAsEmpty) {
  const std::string name = Name("empty-metadata");
  Reader reader(name, BufferConfig(64, 1024));
  Writer writer(name);
  writer.set_metadata(nullptr, 0);
  EXPECT_THAT(reader.metadata(), IsEmpty());
  EXPECT_EQ(reader.oieb_snapshot().metadata_written_bytes, 8u);
}

TEST_F(ReaderWriterTest, WithoutAMetadataBlockEveryMetadataWriteFails) {
  const std::string name = Name("no-metadata");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name);
  EXPECT_THROW(writer.set_metadata(MakePattern(1, 0)),
               MetadataTooLargeException);
  writer.write_frame(MakePattern(10, 1));
  ExpectFrame(reader.read_frame(kTimeout), 1, 10);
}

TEST_F(ReaderWriterTest, ClosingTheReaderRemovesEverythingAndStopsTheWriter) {
  const std::string name = Name("reader-close");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name);
  const std::optional<std::string> segment_file =
      platform::SharedMemory::FilesystemPath(
          BufferObjectNames::For(name).segment);
  ASSERT_TRUE(segment_file.has_value()) << "no file system path on this OS";
  EXPECT_TRUE(platform::FileExists(*segment_file));
  reader.close();
  EXPECT_FALSE(platform::FileExists(*segment_file))
      << *segment_file << " outlived close(), although a writer maps it";
  EXPECT_THAT(FindLeftovers(name), IsEmpty());
  EXPECT_FALSE(writer.is_reader_connected());
  EXPECT_THROW(writer.write_frame(MakePattern(10, 1)), ReaderDeadException);
  EXPECT_THROW(reader.read_frame(kTimeout), ClosedException);
}

// Defect R16: reactions to a writer that leaves differ upstream. Here: no
// error before any writer came, frames left behind are still delivered, and
// then the departure is reported.
TEST_F(ReaderWriterTest, AWriterThatLeavesIsReportedAfterItsFramesAreRead) {
  const std::string name = Name("writer-leaves");
  Reader reader(name, BufferConfig(0, 1024));
  EXPECT_FALSE(reader.read_frame(milliseconds(20)).valid());
  {
    Writer writer(name);
    EXPECT_TRUE(reader.is_writer_connected());
    writer.write_frame(MakePattern(10, 1));
    writer.write_frame(MakePattern(10, 2));
  }
  EXPECT_FALSE(reader.is_writer_connected());
  ExpectFrame(reader.read_frame(kTimeout), 1, 10);
  ExpectFrame(reader.read_frame(kTimeout), 2, 10);
  EXPECT_THROW(reader.read_frame(kTimeout), WriterDeadException);
}

TEST_F(ReaderWriterTest, ReadTimesOutWhileTheWriterIsAlive) {
  const std::string name = Name("timeout");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name);
  EXPECT_FALSE(reader.read_frame(milliseconds(20)).valid());
  EXPECT_FALSE(reader.try_read_frame().valid());
}

// Defects R11/R12: a live reader's objects are never taken over.
TEST_F(ReaderWriterTest, ASecondReaderIsRejectedAndTheFirstKeepsWorking) {
  const std::string name = Name("second-reader");
  Reader first(name, BufferConfig(0, 1024));
  EXPECT_THROW(Reader second(name, BufferConfig(0, 1024)),
               ReaderAlreadyConnectedException);
  Writer writer(name);
  writer.write_frame(MakePattern(10, 1));
  ExpectFrame(first.read_frame(kTimeout), 1, 10);
}

// Defects R8/R22: a rejected writer neither claims nor clears the slot.
TEST_F(ReaderWriterTest, ARejectedWriterLeavesTheWriterSlotAlone) {
  const std::string name = Name("writer-slot");
  Reader reader(name, BufferConfig(0, 1024));
  {
    Writer first(name);
    const uint64_t holder = reader.oieb_snapshot().writer_pid;
    EXPECT_NE(holder, 0u);
    EXPECT_THROW(Writer second(name), WriterAlreadyConnectedException);
    EXPECT_EQ(reader.oieb_snapshot().writer_pid, holder);
  }
  EXPECT_EQ(reader.oieb_snapshot().writer_pid, 0u) << "close clears the slot";
  Writer again(name);
}

TEST_F(ReaderWriterTest, WritersRejectSegmentsThatAreNotV1Buffers) {
  const std::string name = Name("incompatible");
  Reader reader(name, BufferConfig(0, 1024));
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(name);
  ASSERT_TRUE(segment.ok()) << segment.status();
  OIEB* oieb = reinterpret_cast<OIEB*>(segment->data());

  oieb->oieb_size = 1024;
  try {
    Writer writer(name);
    FAIL() << "connected to a 1024-byte OIEB";
  } catch (const IncompatibleBufferException& error) {
    EXPECT_THAT(error.what(), HasSubstr("OIEB size is 1024"));
  }
  oieb->oieb_size = kOiebSize;
  oieb->version.major = 2;
  EXPECT_THROW(Writer writer(name), IncompatibleBufferException);
  oieb->version.major = 1;
  oieb->payload_size = 1 << 30;
  EXPECT_THROW(Writer writer(name), IncompatibleBufferException);
  oieb->payload_size = 1024;
  Writer writer(name);
}

// A reader fills in the OIEB before it publishes its PID; a writer that
// looks earlier must wait, not judge a half-written OIEB incompatible.
TEST_F(ReaderWriterTest, AnUninitialisedSegmentIsNotYetABuffer) {
  const std::string name = Name("uninitialised");
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::CreateExclusive(name, 4096);
  ASSERT_TRUE(segment.ok()) << segment.status();
  EXPECT_THROW(Writer writer(name), BufferNotFoundException);
  OIEB* oieb = reinterpret_cast<OIEB*>(segment->data());
  oieb->oieb_size = kOiebSize;  // partly written, PID not yet published
  EXPECT_THROW(Writer writer(name), BufferNotFoundException);
  ASSERT_TRUE(platform::SharedMemory::Unlink(name).ok());
}

TEST_F(ReaderWriterTest, CorruptHeadersAreReportedAndNotConsumed) {
  const std::string name = Name("corrupt");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name);
  writer.write_frame(MakePattern(100, 1));
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(name);
  ASSERT_TRUE(segment.ok()) << segment.status();
  std::byte* header = segment->data() + kOiebSize;

  const uint64_t wrong_sequence = 5;
  std::memcpy(header + 8, &wrong_sequence, sizeof(wrong_sequence));
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      reader.read_frame(kTimeout);
      FAIL() << "a wrong sequence number was accepted";
    } catch (const SequenceError& error) {
      EXPECT_EQ(error.expected(), 1u);
      EXPECT_EQ(error.got(), 5u);
    }
  }
  const uint64_t zero_size = 0;  // reads as a wrap marker at offset 0
  std::memcpy(header, &zero_size, sizeof(zero_size));
  EXPECT_THROW(reader.read_frame(kTimeout), InvalidFrameSizeException);
}

// Defect R10: sem-r counts every release but the writer only consumes it
// when blocked; the writer drains it before blocking, so it stays bounded.
TEST_F(ReaderWriterTest, TheSpaceSemaphoreIsDrainedBeforeTheWriterBlocks) {
  const std::string name = Name("drain");
  Reader reader(name, BufferConfig(0, 1024));
  Writer writer(name, QuickTimeout());
  for (uint64_t sequence = 1; sequence <= 1000; ++sequence) {
    writer.write_frame(MakePattern(100, sequence));
    reader.read_frame(kTimeout).release();
  }
  absl::StatusOr<platform::NamedSemaphore> space_freed =
      platform::NamedSemaphore::Open(
          BufferObjectNames::For(name).read_semaphore);
  ASSERT_TRUE(space_freed.ok()) << space_freed.status();
  EXPECT_EQ(space_freed->Value(), 1000);
  writer.write_frame(MakePattern(900, 1001));
  EXPECT_THROW(writer.write_frame(MakePattern(900, 1002)), BufferFullException);
  EXPECT_EQ(space_freed->Value(), 0);
}

TEST_F(ReaderWriterTest, FramesOutliveTheirReader) {
  const std::string name = Name("outlive");
  Frame frame;
  {
    Reader reader(name, BufferConfig(0, 1024));
    Writer writer(name);
    writer.write_frame(MakePattern(64, 1));
    frame = reader.read_frame(kTimeout);
  }
  ExpectFrame(frame, 1, 64);
  frame.release();
  EXPECT_FALSE(frame.valid());
}

// Frames read on one thread and released on others, with the writer on a
// third: the accounting must come back to a full ring.
TEST_F(ReaderWriterTest, FramesReleasedFromOtherThreadsAreAccountedOnce) {
  const std::string name = Name("threads");
  Reader reader(name, BufferConfig(0, 8192));
  constexpr uint64_t kFrames = 5000;
  std::thread producer([&name] {
    Writer writer(name);
    for (uint64_t sequence = 1; sequence <= kFrames; ++sequence) {
      writer.write_frame(MakePattern(100 + sequence % 300, sequence));
    }
  });
  std::vector<Frame> batch;
  std::vector<std::thread> releasers;
  for (uint64_t sequence = 1; sequence <= kFrames; ++sequence) {
    Frame frame = reader.read_frame(kTimeout);
    ExpectFrame(frame, sequence, 100 + sequence % 300);
    batch.push_back(std::move(frame));
    if (batch.size() == 8) {
      // Released in reverse order, on another thread.
      releasers.emplace_back([frames = std::move(batch)]() mutable {
        while (!frames.empty()) frames.pop_back();
      });
      batch.clear();
    }
  }
  batch.clear();
  for (std::thread& releaser : releasers) releaser.join();
  producer.join();
  const OIEB oieb = reader.oieb_snapshot();
  EXPECT_EQ(oieb.payload_free_bytes, oieb.payload_size);
}

}  // namespace
}  // namespace zerobuffer::testing
