#include "zerobuffer/oieb_check.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zerobuffer {
namespace {

using ::testing::HasSubstr;

OIEB FreshOieb() {
  OIEB oieb{};
  oieb.oieb_size = kOiebSize;
  oieb.version = kCurrentProtocolVersion;
  oieb.metadata_size = 1024;
  oieb.metadata_free_bytes = 1024;
  oieb.payload_size = 10240;
  oieb.payload_free_bytes = 10240;
  oieb.reader_pid = 42;
  return oieb;
}

constexpr uint64_t kSegment = 128 + 1024 + 10240;

TEST(OiebCheckTest, AcceptsAFreshBuffer) {
  EXPECT_TRUE(CheckOiebForConnect(FreshOieb(), kSegment).ok());
  EXPECT_TRUE(CheckOiebForConnect(FreshOieb(), kSegment + 4096).ok())
      << "Windows reports page-rounded sizes";
}

TEST(OiebCheckTest, RejectsAnotherOiebSize) {
  OIEB oieb = FreshOieb();
  oieb.oieb_size = 1024;  // the unimplemented v2 proposal
  EXPECT_THAT(CheckOiebForConnect(oieb, kSegment).message(),
              HasSubstr("OIEB size is 1024"));
}

TEST(OiebCheckTest, RejectsAnotherMajorVersion) {
  OIEB oieb = FreshOieb();
  oieb.version = {2, 0, 0, 0};
  EXPECT_THAT(CheckOiebForConnect(oieb, kSegment).message(),
              HasSubstr("Incompatible protocol version 2.0.0"));
  oieb.version = {1, 7, 3, 0};
  EXPECT_TRUE(CheckOiebForConnect(oieb, kSegment).ok());
}

TEST(OiebCheckTest, RejectsBlocksThatDoNotFitTheSegment) {
  OIEB oieb = FreshOieb();
  EXPECT_FALSE(CheckOiebForConnect(oieb, kSegment - 1).ok());
  oieb.payload_size = ~uint64_t{0} - 100;  // must not overflow the sum
  EXPECT_FALSE(CheckOiebForConnect(oieb, kSegment).ok());
  oieb = FreshOieb();
  oieb.metadata_size = ~uint64_t{0};
  EXPECT_FALSE(CheckOiebForConnect(oieb, kSegment).ok());
}

TEST(OiebCheckTest, RejectsRingsTooSmallForAFrame) {
  OIEB oieb = FreshOieb();
  oieb.payload_size = 16;
  EXPECT_FALSE(CheckOiebForConnect(oieb, kSegment).ok());
}

TEST(OiebCheckTest, RejectsPositionsAndCountersOutsideTheRing) {
  OIEB oieb = FreshOieb();
  oieb.payload_write_pos = 10240;  // == P is what upstream C++ leaves
  EXPECT_TRUE(CheckOiebForConnect(oieb, kSegment).ok());
  oieb.payload_write_pos = 10241;
  EXPECT_FALSE(CheckOiebForConnect(oieb, kSegment).ok());
  oieb = FreshOieb();
  oieb.payload_read_pos = 99999;
  EXPECT_FALSE(CheckOiebForConnect(oieb, kSegment).ok());
  oieb = FreshOieb();
  oieb.payload_free_bytes = 10241;
  EXPECT_FALSE(CheckOiebForConnect(oieb, kSegment).ok());
  oieb = FreshOieb();
  oieb.metadata_written_bytes = 2000;
  EXPECT_FALSE(CheckOiebForConnect(oieb, kSegment).ok());
}

}  // namespace
}  // namespace zerobuffer
