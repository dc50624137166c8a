#include "zerobuffer/names.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/kernel_object_names.h"
#include "platform/paths.h"

namespace zerobuffer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ValidateBufferNameTest, AcceptsTheNamesPeersUse) {
  for (const std::string name :
       {"test-basic_41235_1", "550e8400-e29b-41d4-a716-446655440000",
        "frames.v2", "a", "A_Z-0.9"}) {
    EXPECT_TRUE(ValidateBufferName(name).ok()) << name;
  }
  EXPECT_TRUE(ValidateBufferName(std::string(kMaxBufferNameLength, 'x')).ok());
}

TEST(ValidateBufferNameTest, RejectsNamesThatEscapeOrBreakTheObjectNames) {
  const std::string hostile[] = {
      "",        // no object can have it
      "../etc",  // climbs out of the lock directory
      "a/b",     // shm_open and sem_open reject embedded slashes
      "a\\b",    // the Windows namespace separator
      std::string("a\0b", 3),
      "with space",
      "semi;colon",
      "caf\xc3\xa9",  // non-ASCII
      ".",
      "..",
      "...",
      "sem.sem-w-other",  // would alias another buffer's semaphore file
      std::string(kMaxBufferNameLength + 1, 'x'),
  };
  for (const std::string& name : hostile) {
    const absl::Status status = ValidateBufferName(name);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << "accepted '" << name << "'";
  }
}

TEST(ValidateBufferNameTest, ExplainsWhatIsWrong) {
  EXPECT_THAT(ValidateBufferName("a/b").message(),
              HasSubstr("0x2f at position 1"));
  EXPECT_THAT(ValidateBufferName(std::string(300, 'x')).message(),
              HasSubstr("300 characters"));
}

TEST(BufferObjectNamesTest, UseTheProtocolPrefixes) {
  const BufferObjectNames names = BufferObjectNames::For("frames");
  EXPECT_EQ(names.segment, "frames");
  EXPECT_EQ(names.write_semaphore, "sem-w-frames");
  EXPECT_EQ(names.read_semaphore, "sem-r-frames");
}

// The prefix goes in front of each object's whole name, and it is the
// platform's: "Global\\" on Windows, nothing where there is one namespace.
TEST(BufferObjectNamesTest, TheGlobalNamespaceDecoratesEveryWholeName) {
  const BufferObjectNames names =
      BufferObjectNames::For("frames", ObjectNamespace::kGlobal);
  EXPECT_EQ(names.segment, platform::GlobalObjectName("frames"));
  EXPECT_EQ(names.write_semaphore, platform::GlobalObjectName("sem-w-frames"));
  EXPECT_EQ(names.read_semaphore, platform::GlobalObjectName("sem-r-frames"));
}

TEST(LockFilePathsTest, NameTheCppAndCSharpDirectoriesInThatOrder) {
  EXPECT_THAT(LockFilePaths("frames"),
              ElementsAre(platform::PrimaryLockDirectory() + "/frames.lock",
                          platform::CompatLockDirectory() + "/frames.lock"));
}

TEST(DuplexNamesTest, AppendRequestAndResponse) {
  EXPECT_EQ(DuplexRequestBufferName("chan"), "chan_request");
  EXPECT_EQ(DuplexResponseBufferName("chan"), "chan_response");
  EXPECT_EQ(
      DuplexResponseBufferName(std::string(kMaxChannelNameLength, 'c')).size(),
      kMaxBufferNameLength);
}

}  // namespace
}  // namespace zerobuffer
