// MessageWriter over a real pipe: the exact bytes, whole messages under
// concurrent writers, and a failed write to a closed pipe.

#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/file_descriptor.h"
#include "serve/jsonrpc/framing.h"

namespace zerobuffer::jsonrpc {
namespace {

class MessageWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<platform::Pipe> pipe = platform::CreatePipe();
    ASSERT_TRUE(pipe.ok()) << pipe.status();
    pipe_ = *std::move(pipe);
  }

  platform::Pipe pipe_;
  MessageWriter writer_{&pipe_.write_end};
};

TEST_F(MessageWriterTest, WritesOneFramedMessage) {
  ASSERT_TRUE(writer_.Write(R"({"id":2})").ok());
  pipe_.write_end.Close();
  std::string received;
  char buffer[256];
  while (true) {
    absl::StatusOr<size_t> got =
        pipe_.read_end.ReadSome(buffer, sizeof(buffer));
    ASSERT_TRUE(got.ok()) << got.status();
    if (*got == 0) break;
    received.append(buffer, *got);
  }
  EXPECT_EQ(received, "Content-Length: 8\r\n\r\n{\"id\":2}");
}

// "<thread>:<sequence>:" followed by padding that makes each body larger
// than PIPE_BUF, the size up to which the kernel itself keeps writes whole.
std::string Body(int thread, int sequence) {
  const std::string head = absl::StrCat(thread, ":", sequence, ":");
  return head +
         std::string(5000 + 37 * sequence, static_cast<char>('a' + thread));
}

// Reads `count` messages and checks that each is whole and that every
// writer's messages arrive in order.
void ReadAndCheck(platform::FileDescriptor& fd, int writers, int count) {
  MessageReader reader(&fd, 1 << 20);
  std::vector<int> next_sequence(writers, 0);
  for (int n = 0; n < count; ++n) {
    absl::StatusOr<std::string> body = reader.Read();
    ASSERT_TRUE(body.ok()) << body.status();
    const std::vector<std::string> parts = absl::StrSplit(*body, ':');
    ASSERT_EQ(parts.size(), 3u) << body->substr(0, 80);
    int thread = 0;
    int sequence = 0;
    ASSERT_TRUE(absl::SimpleAtoi(parts[0], &thread) && thread >= 0 &&
                thread < writers);
    ASSERT_TRUE(absl::SimpleAtoi(parts[1], &sequence));
    EXPECT_EQ(sequence, next_sequence[thread]++);
    EXPECT_TRUE(*body == Body(thread, sequence))
        << "message " << thread << ":" << sequence << " was torn";
  }
}

TEST_F(MessageWriterTest, ConcurrentWritesNeverInterleave) {
  platform::IgnoreBrokenPipeSignal();
  constexpr int kThreads = 4;
  constexpr int kMessages = 100;
  // The writers, then the end of the stream: a reader thrown off by a torn
  // message fails at the end of the stream instead of waiting forever.
  std::thread writers([this] {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([this, t] {
        for (int i = 0; i < kMessages; ++i) {
          if (!writer_.Write(Body(t, i)).ok()) return;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    pipe_.write_end.Close();
  });
  ReadAndCheck(pipe_.read_end, kThreads, kThreads * kMessages);
  // Unblocks writers left with a full pipe should the check stop early.
  pipe_.read_end.Close();
  writers.join();
}

TEST_F(MessageWriterTest, WriteToAClosedPipeFails) {
  platform::IgnoreBrokenPipeSignal();
  pipe_.read_end.Close();
  EXPECT_FALSE(writer_.Write("{}").ok());
}

}  // namespace
}  // namespace zerobuffer::jsonrpc
