// HandlerRendezvous on its own: a group meets, and a later client session,
// whose sequence numbers start again at 1, is not held up by groups that
// met already.

#include "steps/duplex/handler_rendezvous.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zerobuffer::steps::duplex_steps {
namespace {

using ::testing::ElementsAre;

constexpr std::chrono::milliseconds kPatience{5000};

// Requests 1..`count` meet, each on a thread of its own.
void MeetConcurrently(HandlerRendezvous& rendezvous, uint64_t count) {
  std::vector<std::thread> handlers;
  for (uint64_t sequence = 1; sequence <= count; ++sequence) {
    handlers.emplace_back(
        [&rendezvous, sequence] { rendezvous.Meet(sequence); });
  }
  for (std::thread& handler : handlers) handler.join();
}

TEST(HandlerRendezvousTest, AGroupMeetsAndFinishesLastFirst) {
  HandlerRendezvous rendezvous(3, kPatience);
  MeetConcurrently(rendezvous, 3);
  EXPECT_EQ(rendezvous.failure(), std::nullopt);
  EXPECT_EQ(rendezvous.most_in_progress(), 3u);
  EXPECT_THAT(rendezvous.finish_order(), ElementsAre(3, 2, 1));
}

TEST(HandlerRendezvousTest, ASecondSessionPassesStraightThrough) {
  HandlerRendezvous rendezvous(2, kPatience);
  MeetConcurrently(rendezvous, 2);
  // The next client's first request, alone: its group met already.
  const auto started = std::chrono::steady_clock::now();
  rendezvous.Meet(1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, kPatience / 2)
      << "a request of a later session waited for a group that met";
  EXPECT_EQ(rendezvous.failure(), std::nullopt);
}

}  // namespace
}  // namespace zerobuffer::steps::duplex_steps
