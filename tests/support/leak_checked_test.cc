#include "tests/support/leak_checked_test.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/support/leftovers.h"
#include "tests/support/unique_names.h"

namespace zerobuffer::testing {

void LeakCheckedTest::TearDown() {
  for (const std::string& directory : temp_directories_) {
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);
  }
  temp_directories_.clear();
  EXPECT_THAT(RemoveLeftovers(TestProcessMarker()), ::testing::IsEmpty())
      << "the test left these objects behind";
}

std::string LeakCheckedTest::MakeTempDirectory() {
  // ::testing::TempDir() is $TEST_TMPDIR under bazel test; the process
  // marker and a counter make the directory this test's own.
  static int counter = 0;
  const std::string path = absl::StrCat(::testing::TempDir(),
                                        TestProcessMarker(), "dir-", counter++);
  std::error_code error;
  EXPECT_TRUE(std::filesystem::create_directory(path, error))
      << "cannot create " << path << ": " << error.message();
  temp_directories_.push_back(path);
  return path;
}

}  // namespace zerobuffer::testing
