// FileDescriptor and pipes on POSIX: reads, writes, end of stream, waiting
// for readability and close-on-exec.

#include "platform/file_descriptor.h"

#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/testing/descriptors.h"
#include "tests/platform/test_util.h"

namespace zerobuffer::testing {
namespace {

using platform::CreatePipe;
using platform::FileDescriptor;
using platform::Pipe;
using platform::testing::IsCloseOnExec;
using platform::testing::IsOpen;

class FileDescriptorTest : public LeakCheckedTest {};

TEST_F(FileDescriptorTest, PipeRoundTrip) {
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  ASSERT_TRUE(pipe->read_end.valid());
  ASSERT_TRUE(pipe->write_end.valid());

  ASSERT_TRUE(pipe->write_end.WriteAll("hello, pipe").ok());
  char buffer[64];
  absl::StatusOr<size_t> got = pipe->read_end.ReadSome(buffer, sizeof(buffer));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(std::string(buffer, *got), "hello, pipe");
}

TEST_F(FileDescriptorTest, ReadSomeReturnsZeroAtEndOfStream) {
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  ASSERT_TRUE(pipe->write_end.WriteAll("last").ok());
  pipe->write_end.Close();
  EXPECT_FALSE(pipe->write_end.valid());

  char buffer[64];
  absl::StatusOr<size_t> got = pipe->read_end.ReadSome(buffer, sizeof(buffer));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(std::string(buffer, *got), "last");
  got = pipe->read_end.ReadSome(buffer, sizeof(buffer));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, 0u);
}

TEST_F(FileDescriptorTest, WaitReadableReportsDataAndEndOfStream) {
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  absl::StatusOr<bool> readable =
      pipe->read_end.WaitReadable(absl::Milliseconds(20));
  ASSERT_TRUE(readable.ok()) << readable.status();
  EXPECT_FALSE(*readable);
  readable = pipe->read_end.WaitReadable(absl::ZeroDuration());
  ASSERT_TRUE(readable.ok()) << readable.status();
  EXPECT_FALSE(*readable);

  ASSERT_TRUE(pipe->write_end.WriteAll("x").ok());
  readable = pipe->read_end.WaitReadable(kGenerousTimeout);
  ASSERT_TRUE(readable.ok()) << readable.status();
  EXPECT_TRUE(*readable);
  char c;
  ASSERT_EQ(pipe->read_end.ReadSome(&c, 1).value_or(0), 1u);

  // End of stream counts as readable: a read would not block.
  pipe->write_end.Close();
  readable = pipe->read_end.WaitReadable(absl::InfiniteDuration());
  ASSERT_TRUE(readable.ok()) << readable.status();
  EXPECT_TRUE(*readable);
}

TEST_F(FileDescriptorTest, WaitReadableWakesForWriteFromAnotherThread) {
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  absl::Status written;
  std::thread writer([&] { written = pipe->write_end.WriteAll("late"); });
  absl::StatusOr<bool> readable = pipe->read_end.WaitReadable(kGenerousTimeout);
  writer.join();
  ASSERT_TRUE(written.ok()) << written;
  ASSERT_TRUE(readable.ok()) << readable.status();
  EXPECT_TRUE(*readable);
}

TEST_F(FileDescriptorTest, WriteAllDeliversMoreThanThePipeHolds) {
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  // Far beyond the 64 KiB pipe buffer, so writing has to wait for the reader
  // and nothing may be dropped or reordered on the way.
  std::string data(1 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i % 251);

  absl::Status written;
  std::thread writer([&] {
    written = pipe->write_end.WriteAll(data);
    pipe->write_end.Close();
  });
  std::string received;
  const absl::Status ended =
      pipe->read_end.ReadToEnd(received, kGenerousTimeout);
  writer.join();
  ASSERT_TRUE(written.ok()) << written;
  ASSERT_TRUE(ended.ok()) << ended;
  EXPECT_EQ(received.size(), data.size());
  EXPECT_TRUE(received == data) << "the bytes arrived changed";
}

TEST_F(FileDescriptorTest, ReadToEndKeepsWhatArrivedWhenTheStreamDoesNotEnd) {
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  ASSERT_TRUE(pipe->write_end.WriteAll("partial").ok());
  std::string received = "kept: ";
  const absl::Status ended =
      pipe->read_end.ReadToEnd(received, absl::Milliseconds(20));
  EXPECT_EQ(ended.code(), absl::StatusCode::kDeadlineExceeded) << ended;
  EXPECT_EQ(received, "kept: partial");

  pipe->write_end.Close();
  EXPECT_TRUE(pipe->read_end.ReadToEnd(received, kGenerousTimeout).ok());
  EXPECT_EQ(received, "kept: partial");
}

TEST_F(FileDescriptorTest, WriteToPipeWithoutReaderFails) {
  // Without this the write would kill the test with SIGPIPE.
  platform::IgnoreBrokenPipeSignal();
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  pipe->read_end.Close();
  const absl::Status written = pipe->write_end.WriteAll("nobody listens");
  EXPECT_FALSE(written.ok());
}

TEST_F(FileDescriptorTest, PipeEndsAreCloseOnExec) {
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  EXPECT_TRUE(IsCloseOnExec(pipe->read_end.get()));
  EXPECT_TRUE(IsCloseOnExec(pipe->write_end.get()));
}

TEST_F(FileDescriptorTest, DuplicateIsIndependentAndCloseOnExec) {
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  absl::StatusOr<FileDescriptor> copy =
      FileDescriptor::Duplicate(pipe->write_end.get());
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_NE(copy->get(), pipe->write_end.get());
  EXPECT_TRUE(IsCloseOnExec(copy->get()));

  // Closing the original leaves the copy writing into the same pipe.
  pipe->write_end.Close();
  ASSERT_TRUE(copy->WriteAll("via copy").ok());
  copy->Close();
  std::string received;
  const absl::Status ended =
      pipe->read_end.ReadToEnd(received, kGenerousTimeout);
  ASSERT_TRUE(ended.ok()) << ended;
  EXPECT_EQ(received, "via copy");
}

TEST_F(FileDescriptorTest, DuplicateOfInvalidDescriptorFails) {
  EXPECT_FALSE(FileDescriptor::Duplicate(-1).ok());
}

TEST_F(FileDescriptorTest, OwnershipFollowsMoves) {
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  const int fd = pipe->read_end.get();
  FileDescriptor moved = std::move(pipe->read_end);
  EXPECT_FALSE(pipe->read_end.valid());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(moved.get(), fd);

  FileDescriptor assigned;
  EXPECT_FALSE(assigned.valid());
  assigned = std::move(moved);
  EXPECT_EQ(assigned.get(), fd);
  EXPECT_TRUE(IsOpen(fd)) << "a move closed the descriptor";

  { const FileDescriptor last = std::move(assigned); }
  EXPECT_FALSE(IsOpen(fd)) << "destruction did not close the descriptor";
}

TEST_F(FileDescriptorTest, CloseIsIdempotent) {
  absl::StatusOr<Pipe> pipe = CreatePipe();
  ASSERT_TRUE(pipe.ok()) << pipe.status();
  const int fd = pipe->write_end.get();
  pipe->write_end.Close();
  EXPECT_FALSE(IsOpen(fd));
  pipe->write_end.Close();
  EXPECT_FALSE(pipe->write_end.valid());
  EXPECT_EQ(pipe->write_end.get(), -1);
}

}  // namespace
}  // namespace zerobuffer::testing
