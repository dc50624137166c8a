// RequestPayload keeps a pattern request as its first byte and anything else
// as a copy, and gives the same bytes back either way.

#include "steps/duplex/request_payload.h"

#include <cstddef>
#include <vector>

#include "gtest/gtest.h"
#include "steps/support/data_patterns.h"

namespace zerobuffer::steps::duplex_steps {
namespace {

TEST(RequestPayloadTest, APatternIsKeptAsItsFirstByte) {
  const std::vector<std::byte> pattern = MakePattern(4096, 300);
  const RequestPayload payload(pattern);
  EXPECT_EQ(payload.bytes_kept(), 0u);
  EXPECT_EQ(payload.size(), 4096u);
  EXPECT_EQ(payload[4095], pattern[4095]);
  EXPECT_EQ(std::vector<std::byte>(payload), pattern);
}

TEST(RequestPayloadTest, AnythingElseIsCopied) {
  std::vector<std::byte> bytes = MakePattern(100, 7);
  bytes[50] = std::byte{0};
  const RequestPayload payload(bytes);
  EXPECT_EQ(payload.bytes_kept(), 100u);
  EXPECT_EQ(payload[50], std::byte{0});
  EXPECT_EQ(std::vector<std::byte>(payload), bytes);
}

TEST(RequestPayloadTest, AnEmptyRequestIsEmpty) {
  const RequestPayload payload({});
  EXPECT_TRUE(payload.empty());
  EXPECT_TRUE(std::vector<std::byte>(payload).empty());
}

}  // namespace
}  // namespace zerobuffer::steps::duplex_steps
