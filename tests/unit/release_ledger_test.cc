#include "zerobuffer/release_ledger.h"

#include "gtest/gtest.h"

namespace zerobuffer {
namespace {

TEST(ReleaseLedgerTest, InOrderReleasesCreditEachFrameAtOnce) {
  ReleaseLedger ledger;
  const auto first = ledger.AddFrame(400);
  const auto second = ledger.AddFrame(100);
  ReleaseLedger::Credit credit = ledger.Release(first);
  EXPECT_EQ(credit.bytes, 400u);
  EXPECT_EQ(credit.frames, 1u);
  credit = ledger.Release(second);
  EXPECT_EQ(credit.bytes, 100u);
  EXPECT_EQ(credit.frames, 1u);
}

// Defect R3, first variant: releasing frame k+1 while frame k is held used
// to credit bytes that are not contiguous with the write position.
TEST(ReleaseLedgerTest, AnOutOfOrderReleaseWaitsForEarlierFrames) {
  ReleaseLedger ledger;
  const auto held = ledger.AddFrame(400);
  const auto released = ledger.AddFrame(400);
  ReleaseLedger::Credit credit = ledger.Release(released);
  EXPECT_EQ(credit.bytes, 0u);
  EXPECT_EQ(credit.frames, 0u);
  credit = ledger.Release(held);
  EXPECT_EQ(credit.bytes, 800u);
  EXPECT_EQ(credit.frames, 2u) << "one sem-r post per released frame";
}

// Defect R3, second variant: stepping over a wrap marker credited the
// skipped tail while a frame before it was still held.
TEST(ReleaseLedgerTest, ASkippedTailWaitsForAHeldFrameBeforeIt) {
  ReleaseLedger ledger;
  const auto held = ledger.AddFrame(400);
  ReleaseLedger::Credit credit = ledger.AddSkippedTail(224);
  EXPECT_EQ(credit.bytes, 0u);
  credit = ledger.Release(held);
  EXPECT_EQ(credit.bytes, 624u);
  EXPECT_EQ(credit.frames, 1u);
}

TEST(ReleaseLedgerTest, ASkippedTailWithNothingHeldIsCreditedAtOnce) {
  ReleaseLedger ledger;
  const ReleaseLedger::Credit credit = ledger.AddSkippedTail(224);
  EXPECT_EQ(credit.bytes, 224u);
  EXPECT_EQ(credit.frames, 0u) << "no sem-r post for a marker";
}

// Defect R7: Python kept one release slot, so with several frames out the
// credits went missing. Every frame is credited exactly once.
TEST(ReleaseLedgerTest, ManyOutstandingFramesAreAllCreditedOnce) {
  ReleaseLedger ledger;
  std::vector<ReleaseLedger::Ticket> tickets;
  for (uint64_t i = 1; i <= 10; ++i) tickets.push_back(ledger.AddFrame(i));
  uint64_t bytes = 0;
  uint64_t frames = 0;
  for (auto it = tickets.rbegin(); it != tickets.rend(); ++it) {
    const ReleaseLedger::Credit credit = ledger.Release(*it);
    bytes += credit.bytes;
    frames += credit.frames;
  }
  EXPECT_EQ(bytes, 55u);
  EXPECT_EQ(frames, 10u);
}

// C# defect R23: a double dispose double-credited, overwriting unread data.
TEST(ReleaseLedgerTest, ReleasingTwiceOrAnUnknownTicketCreditsNothing) {
  ReleaseLedger ledger;
  const auto ticket = ledger.AddFrame(100);
  EXPECT_EQ(ledger.Release(ticket).bytes, 100u);
  EXPECT_EQ(ledger.Release(ticket).bytes, 0u);
  EXPECT_EQ(ledger.Release(ticket + 5).bytes, 0u);

  const auto held = ledger.AddFrame(100);
  const auto later = ledger.AddFrame(100);
  EXPECT_EQ(ledger.Release(later).bytes, 0u);
  EXPECT_EQ(ledger.Release(later).bytes, 0u) << "second release of a frame "
                                                "still queued behind another";
  EXPECT_EQ(ledger.Release(held).bytes, 200u);
}

}  // namespace
}  // namespace zerobuffer
