#include "zerobuffer/frame_header_check.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zerobuffer {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kRing = 1024;

TEST(FrameHeaderCheckTest, AValidHeaderPasses) {
  EXPECT_EQ(CheckFrameHeader({100, 3}, 0, kRing, 3), FrameHeaderProblem::kNone);
  EXPECT_EQ(CheckFrameHeader({1008, 1}, 0, kRing, 1), FrameHeaderProblem::kNone)
      << "a frame may end exactly at the ring end";
}

TEST(FrameHeaderCheckTest, ZeroSizeIsReported) {
  EXPECT_EQ(CheckFrameHeader({0, 3}, 0, kRing, 3),
            FrameHeaderProblem::kZeroSize);
}

TEST(FrameHeaderCheckTest, AFrameCrossingTheRingEndIsReported) {
  EXPECT_EQ(CheckFrameHeader({1009, 1}, 0, kRing, 1),
            FrameHeaderProblem::kPastRingEnd);
  EXPECT_EQ(CheckFrameHeader({100, 1}, 1000, kRing, 1),
            FrameHeaderProblem::kPastRingEnd);
  EXPECT_EQ(CheckFrameHeader({~uint64_t{0}, 1}, 16, kRing, 1),
            FrameHeaderProblem::kPastRingEnd)
      << "sizes near 2^64 must not overflow the check";
}

TEST(FrameHeaderCheckTest, SizeProblemsAreReportedBeforeSequenceProblems) {
  EXPECT_EQ(CheckFrameHeader({5000, 9}, 0, kRing, 1),
            FrameHeaderProblem::kPastRingEnd);
  EXPECT_EQ(CheckFrameHeader({100, 9}, 0, kRing, 1),
            FrameHeaderProblem::kSequenceMismatch);
}

// Defect R1: readers must step over 1..15 tail bytes without reading a
// header there.
TEST(FrameHeaderCheckTest, TailsShorterThanAHeaderAreSkipped) {
  EXPECT_EQ(ImplicitWrapBytes(kRing, 1016), 8u);
  EXPECT_EQ(ImplicitWrapBytes(kRing, 1023), 1u);
  EXPECT_EQ(ImplicitWrapBytes(kRing, 1008), 0u);
  EXPECT_EQ(ImplicitWrapBytes(kRing, 0), 0u);
}

TEST(FrameHeaderCheckTest, DescriptionsKeepTheUpstreamWording) {
  EXPECT_THAT(DescribeFrameHeaderProblem(FrameHeaderProblem::kPastRingEnd,
                                         {5000, 1}, 16, kRing),
              HasSubstr("Frame extends past buffer boundary"));
  EXPECT_THAT(DescribeFrameHeaderProblem(FrameHeaderProblem::kZeroSize, {0, 0},
                                         0, kRing),
              HasSubstr("Invalid frame size: 0"));
}

}  // namespace
}  // namespace zerobuffer
