#include "steps/support/data_patterns.h"

#include "gtest/gtest.h"

namespace zerobuffer::steps {
namespace {

// The exact bytes every implementation's steps produce (step-catalog 2.2).
TEST(DataPatternsTest, SequencePatternIsIndexPlusSequenceModulo256) {
  const std::vector<std::byte> frame = MakePattern(300, 7);
  EXPECT_EQ(frame[0], std::byte{7});
  EXPECT_EQ(frame[248], std::byte{255});
  EXPECT_EQ(frame[249], std::byte{0});
  EXPECT_EQ(frame[299], std::byte{50});
}

TEST(DataPatternsTest, SimplePatternIsSequenceZero) {
  const std::vector<std::byte> metadata = MakePattern(257, 0);
  EXPECT_EQ(metadata[0], std::byte{0});
  EXPECT_EQ(metadata[255], std::byte{255});
  EXPECT_EQ(metadata[256], std::byte{0});
}

TEST(DataPatternsTest, FindsTheFirstWrongByte) {
  std::vector<std::byte> frame = MakePattern(100, 3);
  EXPECT_EQ(FindPatternMismatch(frame, 3), std::nullopt);
  EXPECT_EQ(FindPatternMismatch(frame, 4), 0u);
  frame[42] = std::byte{0};
  EXPECT_EQ(FindPatternMismatch(frame, 3), 42u);
}

}  // namespace
}  // namespace zerobuffer::steps
