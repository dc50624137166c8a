#include "zerobuffer/layout.h"

#include <cstring>

#include "gtest/gtest.h"

namespace zerobuffer {
namespace {

TEST(LayoutTest, AlignToBlockRoundsUpToSixtyFour) {
  EXPECT_EQ(AlignToBlock(0), 0u);
  EXPECT_EQ(AlignToBlock(1), 64u);
  EXPECT_EQ(AlignToBlock(64), 64u);
  EXPECT_EQ(AlignToBlock(65), 128u);
  EXPECT_EQ(AlignToBlock(100), 128u);
  EXPECT_EQ(AlignToBlock(1000), 1024u);
  EXPECT_EQ(AlignToBlock(10240), 10240u);
}

// protocol.md 3.1 worked example: BufferConfig(100, 1000).
TEST(LayoutTest, SegmentLayoutMatchesTheWorkedExample) {
  const SegmentLayout layout{AlignToBlock(100), AlignToBlock(1000)};
  EXPECT_EQ(layout.metadata_offset(), 128u);
  EXPECT_EQ(layout.metadata_size, 128u);
  EXPECT_EQ(layout.payload_offset(), 256u);
  EXPECT_EQ(layout.payload_size, 1024u);
  EXPECT_EQ(layout.total_size(), 1280u);
}

TEST(LayoutTest, ZeroMetadataPutsThePayloadRightAfterTheOieb) {
  const SegmentLayout layout{0, 10240};
  EXPECT_EQ(layout.payload_offset(), 128u);
  EXPECT_EQ(layout.total_size(), 128u + 10240u);
}

// The first eight bytes of a fresh OIEB read as one little-endian u64.
TEST(LayoutTest, OiebHeaderBytesMatchTheObservedValue) {
  OIEB oieb{};
  oieb.oieb_size = kOiebSize;
  oieb.version = kCurrentProtocolVersion;
  uint64_t first_word = 0;
  std::memcpy(&first_word, &oieb, sizeof(first_word));
  EXPECT_EQ(first_word, 0x0000000100000080u);
}

TEST(LayoutTest, FrameHeaderIsSixteenPackedBytes) {
  const FrameHeader header{0x1122334455667788u, 0x0102030405060708u};
  unsigned char bytes[sizeof(FrameHeader)];
  std::memcpy(bytes, &header, sizeof(bytes));
  EXPECT_EQ(bytes[0], 0x88);  // payload_size, little-endian
  EXPECT_EQ(bytes[7], 0x11);
  EXPECT_EQ(bytes[8], 0x08);  // sequence_number follows directly
  EXPECT_EQ(bytes[15], 0x01);
}

TEST(LayoutTest, OnlyAZeroSizeIsAWrapMarker) {
  EXPECT_TRUE((FrameHeader{0, 0}.IsWrapMarker()));
  EXPECT_TRUE((FrameHeader{0, 7}.IsWrapMarker()));
  EXPECT_FALSE((FrameHeader{1, 0}.IsWrapMarker()));
}

TEST(LayoutTest, TheUsedFractionCountsWhatIsNotFree) {
  OIEB oieb{};
  oieb.payload_size = 1024;
  oieb.payload_free_bytes = 1024;
  EXPECT_EQ(oieb.PayloadUsedFraction(), 0.0);
  oieb.payload_free_bytes = 256;
  EXPECT_EQ(oieb.PayloadUsedFraction(), 0.75);
  oieb.payload_free_bytes = 0;
  EXPECT_EQ(oieb.PayloadUsedFraction(), 1.0);
}

TEST(LayoutTest, SameMajorVersionIsCompatible) {
  EXPECT_TRUE(kCurrentProtocolVersion.IsCompatibleWith({1, 4, 2, 0}));
  EXPECT_FALSE(kCurrentProtocolVersion.IsCompatibleWith({2, 0, 0, 0}));
  EXPECT_FALSE(kCurrentProtocolVersion.IsCompatibleWith({0, 9, 0, 0}));
}

}  // namespace
}  // namespace zerobuffer
