#include "zerobuffer/errors.h"

#include <set>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "zerobuffer/platform_errors.h"

namespace zerobuffer {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ErrorsTest, MessagesStartWithTheUpstreamWording) {
  EXPECT_STREQ(WriterDeadException().what(), "Writer process is dead");
  EXPECT_STREQ(ReaderDeadException().what(), "Reader process is dead");
  EXPECT_STREQ(BufferFullException().what(), "Buffer is full");
  EXPECT_STREQ(MetadataAlreadyWrittenException().what(),
               "Metadata has already been written");
  EXPECT_STREQ(WriterAlreadyConnectedException().what(),
               "Another writer is already connected");
  EXPECT_STREQ(FrameTooLargeException().what(),
               "Frame size exceeds buffer capacity");
  EXPECT_STREQ(InvalidFrameSizeException().what(),
               "Invalid frame size (zero or too large)");
  EXPECT_STREQ(SequenceError(3, 5).what(), "Sequence error: expected 3, got 5");
  EXPECT_STREQ(BufferFullException("ring of 'x'").what(),
               "Buffer is full: ring of 'x'");
}

TEST(ErrorsTest, EachExceptionCarriesItsCode) {
  EXPECT_EQ(ReaderDeadException().code(), ErrorCode::kReaderDead);
  EXPECT_EQ(WriterDeadException().code(), ErrorCode::kWriterDead);
  EXPECT_EQ(BufferNotFoundException().code(), ErrorCode::kBufferNotFound);
  EXPECT_EQ(IncompatibleBufferException().code(),
            ErrorCode::kIncompatibleBuffer);
  EXPECT_EQ(MetadataTooLargeException().code(), ErrorCode::kMetadataTooLarge);
  const SequenceError gap(3, 5);
  EXPECT_EQ(gap.code(), ErrorCode::kSequenceError);
  EXPECT_EQ(gap.expected(), 3u);
  EXPECT_EQ(gap.got(), 5u);
}

TEST(ErrorsTest, CallersCanCatchTheBaseClass) {
  try {
    throw FrameTooLargeException("20000 bytes");
  } catch (const ZeroBufferException& error) {
    EXPECT_EQ(error.code(), ErrorCode::kFrameTooLarge);
    EXPECT_STREQ(ErrorCodeName(error.code()), "FrameTooLarge");
  }
}

TEST(ErrorsTest, AFrameThatNeverFitsIsCaughtAsABufferFull) {
  try {
    throw FrameNeverFitsException("a 1016-byte frame at W = 116");
  } catch (const BufferFullException& error) {
    EXPECT_EQ(error.code(), ErrorCode::kBufferFull);
    EXPECT_STREQ(error.what(), "Buffer is full: a 1016-byte frame at W = 116");
  }
}

TEST(ErrorsTest, EveryCodeHasADistinctName) {
  std::set<std::string> names;
  for (int code = static_cast<int>(ErrorCode::kGeneric);
       code <= static_cast<int>(ErrorCode::kClosed); ++code) {
    names.insert(ErrorCodeName(static_cast<ErrorCode>(code)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(ErrorCode::kClosed) + 1);
}

TEST(PlatformErrorsTest, MissingObjectsMeanNoBuffer) {
  EXPECT_THROW(ThrowPlatformError(absl::NotFoundError("shm_open"), "open 'x'"),
               BufferNotFoundException);
}

TEST(PlatformErrorsTest, AHeldLockMeansAnotherReader) {
  EXPECT_THROW(
      ThrowPlatformError(absl::UnavailableError("locked"), "create 'x'"),
      ReaderAlreadyConnectedException);
}

TEST(PlatformErrorsTest, OtherFailuresKeepTheOsReason) {
  try {
    ThrowPlatformError(absl::PermissionDeniedError("open: Permission denied"),
                       "Failed to open buffer 'x'");
    FAIL() << "nothing thrown";
  } catch (const ZeroBufferException& error) {
    EXPECT_EQ(error.code(), ErrorCode::kGeneric);
    EXPECT_THAT(error.what(), StartsWith("Failed to open buffer 'x'"));
    EXPECT_THAT(error.what(), HasSubstr("Permission denied"));
  }
}

}  // namespace
}  // namespace zerobuffer
