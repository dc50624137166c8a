// Duplex servers and clients in one process, on real shared memory.

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "steps/support/data_patterns.h"
#include "tests/support/leak_checked_test.h"
#include "tests/support/leftovers.h"
#include "tests/support/unique_names.h"
#include "zerobuffer/duplex/duplex_channel_factory.h"
#include "zerobuffer/duplex/duplex_client.h"
#include "zerobuffer/duplex/duplex_server.h"
#include "zerobuffer/duplex/response_sequencer.h"
#include "zerobuffer/errors.h"

namespace zerobuffer::duplex {
namespace {

using std::chrono::milliseconds;
using ::testing::IsEmpty;
using testing::LeakCheckedTest;
using testing::UniqueBufferName;

constexpr milliseconds kTimeout{5000};
const BufferConfig kRequestConfig(4096, 1 << 20);
const BufferConfig kResponseConfig(4096, 1 << 20);

std::vector<std::byte> Echo(const Frame& request) {
  const std::span<const std::byte> bytes = request.span();
  return {bytes.begin(), bytes.end()};
}

void ExpectResponse(const Frame& response, uint64_t sequence,
                    std::span<const std::byte> expected) {
  ASSERT_TRUE(response.valid()) << "no response to request " << sequence;
  EXPECT_EQ(response.sequence(), sequence);
  ASSERT_EQ(response.size(), expected.size());
  EXPECT_EQ(std::memcmp(response.data(), expected.data(), expected.size()), 0)
      << "response " << sequence << " differs from what was expected";
}

using DuplexTest = LeakCheckedTest;

TEST_F(DuplexTest, EchoAnswersEveryRequestWithItsSequence) {
  const std::string channel = UniqueBufferName("echo");
  ImmutableDuplexServer server(channel, kRequestConfig);
  server.start(Echo);
  DuplexClient client(channel, kResponseConfig);
  EXPECT_TRUE(client.is_server_connected());
  for (size_t size : {1, 1024, 102400}) {
    const std::vector<std::byte> request = steps::MakePattern(size, size);
    const uint64_t sequence = client.send_request(request);
    ExpectResponse(client.receive_response(kTimeout), sequence, request);
  }
  EXPECT_EQ(server.responses_written(), 3u);
}

TEST_F(DuplexTest, AClientNeedsARunningServer) {
  EXPECT_THROW(DuplexClient client(UniqueBufferName("absent"), kResponseConfig),
               BufferNotFoundException);
}

// Handlers finish in reverse order of arrival; responses still come back in
// request order, each with its request's sequence number.
TEST_F(DuplexTest, AThreadPoolKeepsResponsesInRequestOrder) {
  const std::string channel = UniqueBufferName("pool");
  DuplexServerOptions options;
  options.thread_pool_size = 4;
  ImmutableDuplexServer server(channel, kRequestConfig, options);
  std::atomic<int> concurrent{0};
  std::atomic<int> most_concurrent{0};
  server.start(
      [&](const Frame& request) {
        const int now = ++concurrent;
        most_concurrent = std::max(most_concurrent.load(), now);
        // Earlier requests take longer.
        std::this_thread::sleep_for(
            milliseconds(40 - request.sequence() % 8 * 5));
        --concurrent;
        return Echo(request);
      },
      nullptr, ProcessingMode::kThreadPool);
  DuplexClient client(channel, kResponseConfig);
  constexpr uint64_t kRequests = 40;
  for (uint64_t i = 1; i <= kRequests; ++i) {
    client.send_request(steps::MakePattern(100 + i, i));
  }
  for (uint64_t i = 1; i <= kRequests; ++i) {
    ExpectResponse(client.receive_response(kTimeout), i,
                   steps::MakePattern(100 + i, i));
  }
  EXPECT_GT(most_concurrent.load(), 1) << "requests were not handled in "
                                          "parallel";
}

TEST_F(DuplexTest, AMutableHandlerTransformsTheRequestInPlace) {
  const std::string channel = UniqueBufferName("mutable");
  MutableDuplexServer server(channel, kRequestConfig);
  server.start([](std::span<std::byte> request) {
    for (std::byte& b : request) b ^= std::byte{0xFF};
  });
  DuplexClient client(channel, kResponseConfig);
  std::vector<std::byte> request = steps::MakePattern(10240, 3);
  const uint64_t sequence = client.send_request(request);
  for (std::byte& b : request) b ^= std::byte{0xFF};
  ExpectResponse(client.receive_response(kTimeout), sequence, request);
}

TEST_F(DuplexTest, ZeroCopyRequestsAreAnsweredLikeCopiedOnes) {
  const std::string channel = UniqueBufferName("zero-copy");
  ImmutableDuplexServer server(channel, kRequestConfig);
  server.start(Echo);
  DuplexClient client(channel, kResponseConfig);
  uint64_t sequence = 0;
  steps::FillPattern(client.acquire_request_buffer(4096, sequence), 9);
  EXPECT_EQ(client.commit_request(), sequence);
  ExpectResponse(client.receive_response(kTimeout), sequence,
                 steps::MakePattern(4096, 9));
}

TEST_F(DuplexTest, OnInitSeesEachSessionsMetadataOnce) {
  const std::string channel = UniqueBufferName("metadata");
  ImmutableDuplexServer server(channel, kRequestConfig);
  std::vector<std::string> seen;
  std::mutex seen_mutex;
  server.start(Echo, [&](std::span<const std::byte> metadata) {
    std::lock_guard lock(seen_mutex);
    seen.emplace_back(reinterpret_cast<const char*>(metadata.data()),
                      metadata.size());
  });
  for (const std::string text : {"first client", "second client"}) {
    DuplexClient client(channel, kResponseConfig);
    client.set_metadata(std::as_bytes(std::span(text)));
    for (int i = 0; i < 2; ++i) {
      const uint64_t sequence = client.send_request(steps::MakePattern(8, 0));
      ExpectResponse(client.receive_response(kTimeout), sequence,
                     steps::MakePattern(8, 0));
    }
    // The next client connects once this one has left (and the server has
    // opened a fresh request buffer for it).
  }
  std::lock_guard lock(seen_mutex);
  EXPECT_THAT(seen, ::testing::ElementsAre("first client", "second client"));
}

TEST_F(DuplexTest, ClientsFollowEachOtherFromTheSameProcess) {
  const std::string channel = UniqueBufferName("sessions");
  ImmutableDuplexServer server(channel, kRequestConfig);
  server.start(Echo);
  for (int session = 0; session < 3; ++session) {
    ASSERT_TRUE(DuplexClient::wait_exists(channel, kTimeout));
    DuplexClient client(channel, kResponseConfig);
    const uint64_t sequence = client.send_request(steps::MakePattern(16, 1));
    EXPECT_EQ(sequence, 1u) << "each session numbers from 1";
    ExpectResponse(client.receive_response(kTimeout), 1,
                   steps::MakePattern(16, 1));
  }
}

TEST_F(DuplexTest, AFailedHandlerIsReportedAndEndsTheSessionLoudly) {
  const std::string channel = UniqueBufferName("handler-error");
  ImmutableDuplexServer server(channel, kRequestConfig);
  std::atomic<int> errors{0};
  server.add_error_handler([&](std::exception_ptr) { ++errors; });
  server.start([](const Frame& request) -> std::vector<std::byte> {
    if (request.size() == 13) throw std::runtime_error("unlucky size");
    return Echo(request);
  });
  {
    DuplexClient client(channel, kResponseConfig);
    const uint64_t first = client.send_request(steps::MakePattern(8, 0));
    ExpectResponse(client.receive_response(kTimeout), first,
                   steps::MakePattern(8, 0));
    client.send_request(steps::MakePattern(13, 0));
    // No response can stand in for the failed one: the client is told.
    EXPECT_THROW(client.receive_response(kTimeout), WriterDeadException);
  }
  EXPECT_GE(errors.load(), 1);
  ASSERT_TRUE(DuplexClient::wait_exists(channel, kTimeout));
  DuplexClient next(channel, kResponseConfig);
  const uint64_t sequence = next.send_request(steps::MakePattern(8, 0));
  ExpectResponse(next.receive_response(kTimeout), sequence,
                 steps::MakePattern(8, 0));
}

TEST_F(DuplexTest, ServerLifecycleIsChecked) {
  const std::string channel = UniqueBufferName("lifecycle");
  ImmutableDuplexServer server(channel, kRequestConfig);
  EXPECT_THROW(server.start(nullptr), ZeroBufferException);
  server.start(Echo);
  EXPECT_TRUE(server.is_running());
  EXPECT_THROW(server.start(Echo), ZeroBufferException);
  ImmutableDuplexServer rival(channel, kRequestConfig);
  EXPECT_THROW(rival.start(Echo), ReaderAlreadyConnectedException);
  server.stop();
  server.stop();
  EXPECT_FALSE(server.is_running());
  EXPECT_THAT(testing::FindLeftovers(channel), IsEmpty());
}

// Disposal while responses are pending: the client gets the responses that
// were written, then an error instead of the rest; nothing leaks and the
// channel name is free again.
TEST_F(DuplexTest, DisposingWithResponsesPendingFailsTheClientCleanly) {
  const std::string channel = UniqueBufferName("dispose");
  auto server =
      std::make_unique<ImmutableDuplexServer>(channel, kRequestConfig);
  std::atomic<int> handled{0};
  std::atomic<bool> release{false};
  server->start([&](const Frame& request) {
    if (++handled > 3) {
      while (!release) std::this_thread::yield();  // a slow handler
    }
    return Echo(request);
  });
  DuplexClient client(channel, kResponseConfig);
  for (int i = 0; i < 5; ++i) client.send_request(steps::MakePattern(64, i));
  for (uint64_t i = 1; i <= 3; ++i) {
    ExpectResponse(client.receive_response(kTimeout), i,
                   steps::MakePattern(64, i - 1));
  }
  std::thread stopper([&] { server->stop(); });
  // Once the stop has begun, the handler in flight may finish; the request
  // after it is never handled.
  while (server->is_running()) std::this_thread::yield();
  release = true;
  stopper.join();
  server.reset();
  int more = 0;
  try {
    while (client.receive_response(kTimeout).valid()) ++more;
    FAIL() << "the client was not told that the server is gone";
  } catch (const WriterDeadException&) {
  }
  EXPECT_LT(more, 2) << "at most the response in flight can still arrive";
  ImmutableDuplexServer again(channel, kRequestConfig);
  again.start(Echo);
}

// A client that does not read holds the server back; reading lets it go on.
TEST_F(DuplexTest, AFullResponseBufferBlocksTheServerUntilTheClientReads) {
  const std::string channel = UniqueBufferName("backpressure");
  ImmutableDuplexServer server(channel, kRequestConfig);
  server.start([](const Frame& request) {
    std::vector<std::byte> doubled = Echo(request);
    doubled.insert(doubled.end(), doubled.begin(), doubled.end());
    return doubled;
  });
  DuplexClient client(channel, BufferConfig(0, 10240));
  client.send_request(steps::MakePattern(4096, 1));  // 8192-byte answer
  client.send_request(steps::MakePattern(4096, 2));  // cannot fit yet
  Frame first = client.receive_response(kTimeout);
  ASSERT_TRUE(first.valid());
  EXPECT_EQ(first.size(), 8192u);
  EXPECT_EQ(server.responses_written(), 1u) << "the second answer fits only "
                                               "after the first is released";
  first.release();
  Frame second = client.receive_response(kTimeout);
  ASSERT_TRUE(second.valid());
  EXPECT_EQ(second.sequence(), 2u);
}

TEST_F(DuplexTest, TheFactoryBuildsWorkingServersAndClients) {
  const std::string channel = UniqueBufferName("factory");
  DuplexChannelFactory factory;
  std::unique_ptr<ImmutableDuplexServer> server =
      factory.create_immutable_server(channel, kRequestConfig);
  server->start(Echo);
  EXPECT_TRUE(factory.wait_exists(channel, kTimeout));
  std::unique_ptr<DuplexClient> client =
      factory.create_client(channel, kResponseConfig);
  const uint64_t sequence = client->send_request(steps::MakePattern(5, 5));
  ExpectResponse(client->receive_response(kTimeout), sequence,
                 steps::MakePattern(5, 5));
}

TEST(ResponseSequencerTest, DeliversInReservationOrder) {
  ResponseSequencer<int> sequencer(8);
  const uint64_t a = *sequencer.Reserve();
  const uint64_t b = *sequencer.Reserve();
  const uint64_t c = *sequencer.Reserve();
  sequencer.Complete(c, 30);
  sequencer.Complete(a, 10);
  sequencer.Complete(b, 20);
  std::vector<int> delivered;
  for (int i = 0; i < 3; ++i) {
    sequencer.DeliverNext([&](int value) { delivered.push_back(value); });
  }
  EXPECT_THAT(delivered, ::testing::ElementsAre(10, 20, 30));
  sequencer.WaitUntilIdle();
  sequencer.Stop();
  EXPECT_FALSE(sequencer.Reserve().has_value());
}

TEST(ResponseSequencerTest, BoundsTheRequestsInFlight) {
  ResponseSequencer<int> sequencer(2);
  sequencer.Reserve();
  sequencer.Reserve();
  std::atomic<bool> third_reserved{false};
  std::thread reserver([&] {
    if (sequencer.Reserve().has_value()) third_reserved = true;
  });
  sequencer.Complete(0, 1);
  EXPECT_TRUE(sequencer.DeliverNext([](int) {}));
  reserver.join();  // the delivery made room
  EXPECT_TRUE(third_reserved);
}

}  // namespace
}  // namespace zerobuffer::duplex
