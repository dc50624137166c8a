#include "zerobuffer/options_check.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "zerobuffer/errors.h"

namespace zerobuffer {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using ::testing::HasSubstr;

// The message of what `check` throws, or "" when it throws nothing.
template <typename Check>
std::string Rejection(Check check) {
  try {
    check();
  } catch (const ZeroBufferException& error) {
    return error.what();
  }
  return "";
}

TEST(OptionsCheckTest, TheDefaultsAndTheEdgesOfEachRangeAreAccepted) {
  EXPECT_NO_THROW(ThrowIfInvalidOptions(ReaderOptions{}));
  EXPECT_NO_THROW(ThrowIfInvalidOptions(WriterOptions{}));
  ReaderOptions reader;
  reader.liveness_check_interval = milliseconds(1);
  reader.spin_before_block = microseconds(0);
  reader.permissions = 0777;
  EXPECT_NO_THROW(ThrowIfInvalidOptions(reader));
  WriterOptions writer;
  writer.write_timeout = milliseconds(0);
  writer.liveness_check_interval = milliseconds(1);
  writer.spin_before_block = microseconds(0);
  EXPECT_NO_THROW(ThrowIfInvalidOptions(writer));
}

// A liveness interval of 0 made every blocking wait a busy loop.
TEST(OptionsCheckTest, ALivenessIntervalThatIsNotPositiveIsRejected) {
  for (const milliseconds interval : {milliseconds(0), milliseconds(-5)}) {
    ReaderOptions reader;
    reader.liveness_check_interval = interval;
    EXPECT_THAT(Rejection([&] { ThrowIfInvalidOptions(reader); }),
                HasSubstr(absl::StrCat("Invalid reader options: "
                                       "liveness_check_interval is ",
                                       interval.count(), " ms")));
    WriterOptions writer;
    writer.liveness_check_interval = interval;
    EXPECT_THAT(Rejection([&] { ThrowIfInvalidOptions(writer); }),
                HasSubstr(absl::StrCat("Invalid writer options: "
                                       "liveness_check_interval is ",
                                       interval.count(), " ms")));
  }
}

TEST(OptionsCheckTest, NegativeDurationsAreRejected) {
  ReaderOptions reader;
  reader.spin_before_block = microseconds(-1);
  EXPECT_THAT(Rejection([&] { ThrowIfInvalidOptions(reader); }),
              HasSubstr("spin_before_block is -1 us"));
  WriterOptions writer;
  writer.spin_before_block = microseconds(-1);
  EXPECT_THAT(Rejection([&] { ThrowIfInvalidOptions(writer); }),
              HasSubstr("spin_before_block is -1 us"));
  writer = WriterOptions{};
  writer.write_timeout = milliseconds(-1);
  EXPECT_THAT(Rejection([&] { ThrowIfInvalidOptions(writer); }),
              HasSubstr("write_timeout is -1 ms"));
  EXPECT_THAT(Rejection([] { ThrowIfInvalidWriteTimeout(milliseconds(-7)); }),
              HasSubstr("write_timeout is -7 ms"));
}

TEST(OptionsCheckTest, PermissionsBeyondReadWriteExecuteBitsAreRejected) {
  ReaderOptions reader;
  reader.permissions = 04666;  // setuid means nothing for a buffer
  EXPECT_THAT(Rejection([&] { ThrowIfInvalidOptions(reader); }),
              HasSubstr("permissions are 04666; a buffer's objects take "
                        "the read, write and execute bits of 0777 only"));
}

}  // namespace
}  // namespace zerobuffer
