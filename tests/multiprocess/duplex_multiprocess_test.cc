// Duplex servers and clients in separate processes: this test process on
// one side, a zb_peer process on the other.

#include <atomic>
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "steps/duplex/echo.h"
#include "steps/duplex/error_reports.h"
#include "steps/duplex/handler_rendezvous.h"
#include "steps/support/data_patterns.h"
#include "tests/support/leftovers.h"
#include "tests/support/peer_process.h"
#include "tests/support/peer_test.h"
#include "tests/support/unique_names.h"
#include "zerobuffer/duplex/duplex_client.h"
#include "zerobuffer/duplex/duplex_server.h"
#include "zerobuffer/errors.h"

namespace zerobuffer::testing {
namespace {

using std::chrono::milliseconds;
using steps::duplex_steps::Echo;
using steps::duplex_steps::HandlerRendezvous;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr milliseconds kTimeout{5000};
const BufferConfig kRequestConfig(4096, 1 << 20);
const BufferConfig kLargeRequestConfig(0, 4 << 20);
const BufferConfig kResponseConfig(0, 1 << 20);

// An echo server for large requests in this process, with the errors it
// reports; the reports outlive the server.
struct EchoServer {
  explicit EchoServer(const std::string& channel)
      : server(channel, kLargeRequestConfig) {
    server.add_error_handler(errors.Handler());
    server.start(Echo);
  }

  steps::duplex_steps::ErrorReports errors;
  duplex::ImmutableDuplexServer server;
};

class DuplexMultiProcessTest : public PeerTest {
 protected:
  // A peer process connected as a client of `channel`.
  PeerProcess& StartClient(const std::string& channel) {
    PeerProcess& client = StartPeer();
    EXPECT_EQ(Ask(client, absl::StrCat("client ", channel)), "ok")
        << "the client in the other process could not connect";
    return client;
  }
};

// A thread-pool server in another process, whose handler takes less time
// for later requests: this process's client still gets every response in
// request order.
TEST_F(DuplexMultiProcessTest, AThreadPoolServerAnswersInRequestOrder) {
  const std::string channel = UniqueBufferName("pool");
  PeerProcess& server = StartPeer();
  ASSERT_EQ(Ask(server, absl::StrCat("serve ", channel, " pool 40")), "ok");
  duplex::DuplexClient client(channel, kResponseConfig);
  constexpr uint64_t kRequests = 64;
  for (uint64_t i = 1; i <= kRequests; ++i) {
    EXPECT_EQ(client.send_request(steps::MakePattern(200 + i, i)), i);
  }
  for (uint64_t i = 1; i <= kRequests; ++i) {
    Frame response = client.receive_response(kTimeout);
    ASSERT_TRUE(response.valid()) << "no response " << i;
    ASSERT_EQ(response.sequence(), i);
    ASSERT_EQ(response.size(), 200 + i);
    EXPECT_EQ(steps::FindPatternMismatch(response.span(), i), std::nullopt);
  }
  EXPECT_EQ(Ask(server, "server_errors"), "ok 0");
}

// Proven rather than timed: the server's handlers meet four at a time and
// finish last first, which only handlers that overlap can do, and the
// client in another process still receives every echo in request order.
TEST_F(DuplexMultiProcessTest,
       AThreadPoolServerOverlapsHandlersYetAnswersInOrder) {
  const std::string channel = UniqueBufferName("overlap");
  duplex::DuplexServerOptions options;
  options.thread_pool_size = 4;
  duplex::ImmutableDuplexServer server(channel, kRequestConfig, options);
  HandlerRendezvous rendezvous(options.thread_pool_size, kTimeout);
  server.start(
      [&](const Frame& request) {
        rendezvous.Meet(request.sequence());
        return Echo(request);
      },
      nullptr, duplex::ProcessingMode::kThreadPool);
  PeerProcess& client = StartClient(channel);
  constexpr uint64_t kRequests = 64;
  ASSERT_EQ(Ask(client, absl::StrCat("send ", kRequests, " 200")),
            absl::StrCat("ok ", kRequests));
  // The peer checks each response's sequence (in order) and content.
  EXPECT_EQ(
      Ask(client, absl::StrCat("receive ", kRequests, " ", kTimeout.count())),
      absl::StrCat("ok ", kRequests));
  EXPECT_EQ(rendezvous.failure(), std::nullopt);
  EXPECT_EQ(rendezvous.most_in_progress(), 4u);
  const std::vector<uint64_t> order = rendezvous.finish_order();
  ASSERT_EQ(order.size(), kRequests);
  EXPECT_EQ(std::vector<uint64_t>(order.begin(), order.begin() + 4),
            (std::vector<uint64_t>{4, 3, 2, 1}))
      << "the first four requests did not finish last first";
}

// The server's 4 MiB request ring takes any of these requests; the peer's
// 1 MiB response ring cannot take a 700000-byte answer once a 500000-byte
// one has moved its write position to 500016: the answer fits neither in
// the 548560 bytes before the end nor in front of the write position. The
// session ends at once and the client in the other process is told.
TEST_F(DuplexMultiProcessTest, AnAnswerThatCanNeverFitEndsTheSession) {
  const std::string channel = UniqueBufferName("never-fits");
  EchoServer server(channel);
  PeerProcess& client = StartClient(channel);
  ASSERT_EQ(Ask(client, "send 1 500000"), "ok 1");
  ASSERT_EQ(Ask(client, absl::StrCat("receive 1 ", kTimeout.count())), "ok 1");
  ASSERT_EQ(Ask(client, "send 1 700000"), "ok 1");
  const std::string reply =
      Ask(client, absl::StrCat("receive 1 ", kTimeout.count()));
  EXPECT_THAT(reply, StartsWith("error WriterDead")) << reply;
  const std::optional<std::string> reported =
      server.errors.WaitFor(ErrorCode::kBufferFull, kTimeout);
  ASSERT_TRUE(reported.has_value()) << server.errors.Describe();
  EXPECT_THAT(*reported, HasSubstr("can never be written"));

  // The client leaves; the next one is served.
  const absl::Status finished = client.Finish();
  ASSERT_TRUE(finished.ok()) << finished;
  PeerProcess& next = StartClient(channel);
  ASSERT_EQ(Ask(next, "send 2 700000"), "ok 2");
  EXPECT_EQ(Ask(next, absl::StrCat("receive 2 ", kTimeout.count())), "ok 2");
}

// An answer larger than the peer's whole response ring: the client never
// got an answer, and learns from the request buffer that the session ended.
TEST_F(DuplexMultiProcessTest, AnAnswerLargerThanTheClientsRingEndsTheSession) {
  const std::string channel = UniqueBufferName("too-large");
  EchoServer server(channel);
  PeerProcess& client = StartClient(channel);
  ASSERT_EQ(Ask(client, "send 1 1100000"), "ok 1");
  const std::string reply =
      Ask(client, absl::StrCat("receive 1 ", kTimeout.count()));
  EXPECT_THAT(reply, StartsWith("error WriterDead")) << reply;
  EXPECT_TRUE(server.errors.WaitFor(ErrorCode::kFrameTooLarge, kTimeout))
      << server.errors.Describe();
}

TEST_F(DuplexMultiProcessTest, AClientDetectsThatItsServerDied) {
  const std::string channel = UniqueBufferName("server-death");
  PeerProcess& server = StartPeer();
  ASSERT_EQ(Ask(server, absl::StrCat("serve ", channel, " single 10000")),
            "ok");
  duplex::DuplexClient client(channel, kResponseConfig);
  client.send_request(steps::MakePattern(1024, 1));
  server.KillAbruptly();  // while it handles the request

  EXPECT_FALSE(client.is_server_connected());
  EXPECT_THROW(client.receive_response(kTimeout), WriterDeadException);
  // The dead server's request buffer is stale: a new server takes the name.
  duplex::ImmutableDuplexServer replacement(channel, kRequestConfig);
  replacement.start(Echo);
}

TEST_F(DuplexMultiProcessTest, AServerSurvivesTheDeathOfItsClient) {
  const std::string channel = UniqueBufferName("client-death");
  // The first answer goes to a client already dead: the handler holds it
  // until the client is killed, or until the test ends.
  std::atomic<bool> client_killed{false};
  std::atomic<int> errors{0};  // outlives the server, which reports to it
  duplex::ImmutableDuplexServer server(channel, kRequestConfig);
  absl::Cleanup release_handler = [&client_killed] {
    client_killed = true;
    client_killed.notify_all();
  };
  server.add_error_handler([&](std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const ReaderDeadException&) {
      ++errors;  // the response buffer has no reader any more
    } catch (const BufferNotFoundException&) {
      ++errors;  // another process's stale scan removed it already
    } catch (...) {
    }
  });
  server.start([&client_killed](const Frame& request) {
    client_killed.wait(false);
    return Echo(request);
  });
  PeerProcess& doomed = StartClient(channel);
  ASSERT_EQ(Ask(doomed, "send 1 64"), "ok 1");
  doomed.KillAbruptly();
  std::move(release_handler).Invoke();

  // The next client is served.
  PeerProcess& next = StartClient(channel);
  ASSERT_EQ(Ask(next, "send 3 64"), "ok 3");
  EXPECT_EQ(Ask(next, absl::StrCat("receive 3 ", kTimeout.count())), "ok 3");
  EXPECT_EQ(errors.load(), 1) << "the write to the dead client was reported";
  EXPECT_TRUE(server.is_running());
  // The dead client's response buffer is stale; the next reader of that
  // name removes it, here the same name taken by a short-lived buffer.
  ASSERT_EQ(Ask(next, "close"), "ok");
}

TEST_F(DuplexMultiProcessTest, DisposalWithResponsesPendingFailsTheClient) {
  const std::string channel = UniqueBufferName("dispose");
  auto server =
      std::make_unique<duplex::ImmutableDuplexServer>(channel, kRequestConfig);
  std::atomic<bool> release{false};
  server->start([&](const Frame& request) {
    if (request.sequence() > 3) {
      while (!release) std::this_thread::yield();
    }
    return Echo(request);
  });
  PeerProcess& client = StartClient(channel);
  ASSERT_EQ(Ask(client, "send 5 512"), "ok 5");
  ASSERT_EQ(Ask(client, absl::StrCat("receive 3 ", kTimeout.count())), "ok 3");

  std::thread stopper([&] { server->stop(); });
  while (server->is_running()) std::this_thread::yield();
  release = true;
  stopper.join();
  server.reset();
  EXPECT_THAT(FindLeftovers(absl::StrCat(channel, "_request")), IsEmpty())
      << "the request buffer must go with the server";

  // At most the response in flight during the stop arrives; then the
  // client learns the server is gone.
  std::string reply = Ask(client, absl::StrCat("receive 2 ", kTimeout.count()));
  EXPECT_THAT(reply, StartsWith("error WriterDead")) << reply;
  duplex::ImmutableDuplexServer again(channel, kRequestConfig);
  again.start(Echo);
}

}  // namespace
}  // namespace zerobuffer::testing
