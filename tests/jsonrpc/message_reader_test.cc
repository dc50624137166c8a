// MessageReader over a real pipe: timeouts that keep partial data, the two
// kinds of end of stream, framing errors, and bodies larger than one read.

#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/file_descriptor.h"
#include "serve/jsonrpc/framing.h"

namespace zerobuffer::jsonrpc {
namespace {

constexpr size_t kMaxBody = 1 << 20;

// A pipe whose read end feeds a MessageReader.
class MessageReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<platform::Pipe> pipe = platform::CreatePipe();
    ASSERT_TRUE(pipe.ok()) << pipe.status();
    pipe_ = *std::move(pipe);
  }

  void Send(const std::string& bytes) {
    ASSERT_TRUE(pipe_.write_end.WriteAll(bytes).ok());
  }

  platform::Pipe pipe_;
  MessageReader reader_{&pipe_.read_end, kMaxBody};
};

TEST_F(MessageReaderTest, ReadsBufferedMessagesWithoutWaiting) {
  Send(FrameMessage("one") + FrameMessage("two"));
  absl::StatusOr<std::string> first = reader_.Read();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, "one");
  // Both arrived in one read: the second needs no more input.
  absl::StatusOr<std::string> second = reader_.Read(absl::ZeroDuration());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, "two");
}

TEST_F(MessageReaderTest, TimesOutWhenNothingArrives) {
  EXPECT_EQ(reader_.Read(absl::ZeroDuration()).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(reader_.Read(absl::Milliseconds(10)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST_F(MessageReaderTest, TimeoutKeepsPartialData) {
  Send("Content-Length: 5\r\n\r\nhel");
  EXPECT_EQ(reader_.Read(absl::Milliseconds(10)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  Send("lo");
  absl::StatusOr<std::string> body = reader_.Read();
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "hello");
}

TEST_F(MessageReaderTest, CleanEndOfStream) {
  Send(FrameMessage("last"));
  pipe_.write_end.Close();
  absl::StatusOr<std::string> body = reader_.Read();
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "last");
  EXPECT_EQ(reader_.Read().status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(reader_.Read().status().code(), absl::StatusCode::kOutOfRange);
}

TEST_F(MessageReaderTest, EndOfStreamInsideABody) {
  Send("Content-Length: 10\r\n\r\nshort");
  pipe_.write_end.Close();
  EXPECT_EQ(reader_.Read().status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(reader_.Read().status().code(), absl::StatusCode::kOutOfRange);
}

TEST_F(MessageReaderTest, EndOfStreamInsideHeaders) {
  Send(FrameMessage("whole") + "Content-Len");
  pipe_.write_end.Close();
  absl::StatusOr<std::string> body = reader_.Read();
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "whole");
  EXPECT_EQ(reader_.Read().status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(reader_.Read().status().code(), absl::StatusCode::kOutOfRange);
}

TEST_F(MessageReaderTest, FramingErrorsAreReportedAndReadingGoesOn) {
  MessageReader small(&pipe_.read_end, 16);
  Send(FrameMessage(std::string(100, 'x')) + "Content-Type: a\r\n\r\n" +
       FrameMessage("ok"));
  EXPECT_EQ(small.Read().status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(small.Read().status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::string> body = small.Read();
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "ok");
}

TEST_F(MessageReaderTest, BodyLargerThanThePipeArrivesWhole) {
  std::string big(300000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  // More than a pipe holds: the writer blocks until the reader drains it.
  platform::IgnoreBrokenPipeSignal();
  std::thread writer(
      [&] { pipe_.write_end.WriteAll(FrameMessage(big)).IgnoreError(); });
  absl::StatusOr<std::string> body = reader_.Read();
  // Unblocks the writer should the read stop early.
  pipe_.read_end.Close();
  writer.join();
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_TRUE(*body == big) << "body of " << body->size() << " bytes differs";
}

}  // namespace
}  // namespace zerobuffer::jsonrpc
