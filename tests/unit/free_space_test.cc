#include "zerobuffer/free_space.h"

#include "gtest/gtest.h"

namespace zerobuffer {
namespace {

using Kind = WritePlan::Kind;

constexpr uint64_t kRing = 1024;

TEST(PlanWriteTest, AFrameThatFitsBeforeTheEndNeedsItsOwnSize) {
  const WritePlan plan = PlanWrite(kRing, 0, 400, kRing);
  EXPECT_EQ(plan.kind, Kind::kInPlace);
  EXPECT_EQ(plan.required_free, 400u);
  EXPECT_EQ(plan.waste, 0u);
}

TEST(PlanWriteTest, AnExactFitFromTheStartIsInPlace) {
  const WritePlan plan = PlanWrite(kRing, 0, kRing, kRing);
  EXPECT_EQ(plan.kind, Kind::kInPlace);
  EXPECT_EQ(plan.required_free, kRing);
}

TEST(PlanWriteTest, AFrameEndingExactlyAtTheRingEndIsInPlace) {
  const WritePlan plan = PlanWrite(kRing, 624, 400, 400);
  EXPECT_EQ(plan.kind, Kind::kInPlace);
  EXPECT_EQ(plan.required_free, 400u);
}

// Fix 961910f: a wrap gives up the tail, so it needs tail + T. Checking only
// T, then debiting both, made the unsigned counter wrap below zero and the
// writer overwrote unread frames ("expected 35355, got 35361").
TEST(PlanWriteTest, AWrapNeedsTheTailPlusTheFrame) {
  const WritePlan plan = PlanWrite(kRing, 800, 300, 1024);
  EXPECT_EQ(plan.kind, Kind::kWrapWithMarker);
  EXPECT_EQ(plan.waste, 224u);
  EXPECT_EQ(plan.required_free, 524u);
  EXPECT_LT(300u, plan.required_free) << "free >= T is not enough to wrap";
}

// Fix f380ab6: always wrap when the frame does not fit before the end, even
// when the reader is at position 0.
TEST(PlanWriteTest, ItWrapsWheneverTheFrameDoesNotFitBeforeTheEnd) {
  EXPECT_TRUE(PlanWrite(kRing, 900, 200, kRing).wraps());
}

// Defect R1: a 1..15-byte tail cannot hold a marker. Upstream readers then
// misparse. When writing in place would leave such a tail and wrapping is
// affordable, wrap now, with a marker every reader understands.
TEST(PlanWriteTest, ItWrapsEarlyRatherThanLeaveATailTooShortForAMarker) {
  // At W = 600 a 416-byte frame would end at 1016, leaving 8 bytes.
  const WritePlan plan = PlanWrite(kRing, 600, 416, kRing);
  EXPECT_EQ(plan.kind, Kind::kWrapWithMarker);
  EXPECT_EQ(plan.waste, 424u);
  EXPECT_EQ(plan.required_free, 840u);
}

TEST(PlanWriteTest, ItWritesInPlaceWhenTheEarlyWrapIsNotYetAffordable) {
  const WritePlan plan = PlanWrite(kRing, 600, 416, 500);
  EXPECT_EQ(plan.kind, Kind::kInPlace);
  EXPECT_EQ(plan.required_free, 416u);
}

TEST(PlanWriteTest, AShortTailIsSkippedWithoutAMarker) {
  const WritePlan plan = PlanWrite(kRing, 1016, 100, kRing);
  EXPECT_EQ(plan.kind, Kind::kWrapShortTail);
  EXPECT_EQ(plan.waste, 8u);
  EXPECT_EQ(plan.required_free, 108u);
}

TEST(PlanWriteTest, ATailOfExactlyOneHeaderGetsAMarker) {
  const WritePlan plan = PlanWrite(kRing, 1008, 100, kRing);
  EXPECT_EQ(plan.kind, Kind::kWrapWithMarker);
  EXPECT_EQ(plan.waste, 16u);
}

// Defect R2: with T > P - W and T > W the frame would overwrite the marker
// at W before the reader saw it; upstream waits out the whole timeout, even
// on an empty ring.
TEST(PlanWriteTest, AWrapThatCanNeverSucceedIsReportedAsSuch) {
  // 1000-byte payload at W = 116 in a 1024-byte ring (protocol.md R2).
  const WritePlan plan = PlanWrite(kRing, 116, 1016, kRing);
  EXPECT_EQ(plan.kind, Kind::kNeverFits);
  EXPECT_GT(plan.required_free, kRing) << "no amount of free space is enough";
  EXPECT_EQ(plan.waste, 0u);
}

TEST(PlanWriteTest, FramesOfHalfTheRingAlwaysFit) {
  for (uint64_t write_pos = 0; write_pos < kRing; ++write_pos) {
    EXPECT_NE(PlanWrite(kRing, write_pos, kRing / 2, kRing).kind,
              Kind::kNeverFits)
        << "at write position " << write_pos;
  }
}

// Every plan that fits keeps the written region inside the ring.
TEST(PlanWriteTest, PlacedFramesNeverCrossTheRingEnd) {
  for (uint64_t write_pos = 0; write_pos < kRing; write_pos += 7) {
    for (uint64_t frame = 17; frame <= kRing; frame += 13) {
      const WritePlan plan = PlanWrite(kRing, write_pos, frame, kRing);
      if (plan.kind == Kind::kNeverFits) continue;
      const uint64_t start = plan.wraps() ? 0 : write_pos;
      EXPECT_LE(start + frame, kRing) << "W=" << write_pos << " T=" << frame;
      if (plan.wraps()) {
        EXPECT_EQ(plan.waste, kRing - write_pos);
      }
    }
  }
}

// A writer takes the write position modulo the ring, so an OIEB whose W
// equals P (a frame ended at the ring end) plans from offset 0.
TEST(PlanWriteForTest, PlansFromTheOiebsRingWithItsWritePositionReduced) {
  OIEB oieb{};
  oieb.payload_size = kRing;
  oieb.payload_write_pos = kRing;
  oieb.payload_free_bytes = 300;
  const WritePlan plan = PlanWriteFor(oieb, 400);
  EXPECT_EQ(plan.kind, Kind::kInPlace);
  EXPECT_EQ(plan.required_free, 400u);

  oieb.payload_write_pos = 116;
  EXPECT_EQ(PlanWriteFor(oieb, 1016).kind, Kind::kNeverFits);
}

}  // namespace
}  // namespace zerobuffer
