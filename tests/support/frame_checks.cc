#include "tests/support/frame_checks.h"

#include <optional>

#include "gtest/gtest.h"
#include "steps/support/data_patterns.h"

namespace zerobuffer::testing {

void ExpectFrame(const Frame& frame, uint64_t sequence, size_t size) {
  ASSERT_TRUE(frame.valid()) << "no frame " << sequence;
  EXPECT_EQ(frame.sequence(), sequence);
  EXPECT_EQ(frame.size(), size);
  const std::optional<size_t> mismatch =
      steps::FindPatternMismatch(frame.span(), sequence);
  EXPECT_EQ(mismatch, std::nullopt)
      << "frame " << sequence << " differs from its pattern at byte "
      << mismatch.value_or(0) << " (overwritten?)";
}

}  // namespace zerobuffer::testing
