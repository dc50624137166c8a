// Lock directory locations and the file-system helpers in platform/paths.h
// on POSIX.

#include "platform/paths.h"

#include <filesystem>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/testing/environment.h"
#include "platform/testing/file_modes.h"
#include "tests/platform/test_util.h"

namespace zerobuffer::testing {
namespace {

using platform::EnsureDirectory;
using platform::FileExists;
using platform::JoinPath;
using platform::ListFiles;
using platform::testing::ScopedEnvironmentVariable;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// Tests that set $TMPDIR restore it with a ScopedEnvironmentVariable in the
// test body, so before the leftover check, which looks in
// CompatLockDirectory().
class PathsTest : public LeakCheckedTest {};

TEST_F(PathsTest, PrimaryLockDirectoryIsFixed) {
  // Independent of $TMPDIR, unlike the C# location.
  const ScopedEnvironmentVariable tmpdir("TMPDIR", "/var/somewhere");
  EXPECT_EQ(platform::PrimaryLockDirectory(), "/tmp/zerobuffer");
}

TEST_F(PathsTest, CompatLockDirectoryHonoursTmpdir) {
  ScopedEnvironmentVariable tmpdir("TMPDIR", "/var/cache/zbtmp");
  EXPECT_EQ(platform::CompatLockDirectory(),
            "/var/cache/zbtmp/zerobuffer/locks");
  tmpdir.Set("/var/cache/zbtmp/");
  EXPECT_EQ(platform::CompatLockDirectory(),
            "/var/cache/zbtmp/zerobuffer/locks");
  tmpdir.Set("/var/cache/zbtmp//");
  EXPECT_EQ(platform::CompatLockDirectory(),
            "/var/cache/zbtmp/zerobuffer/locks");
  // .NET's Path.GetTempPath() gives "/", and C# then uses /zerobuffer/locks.
  tmpdir.Set("/");
  EXPECT_EQ(platform::CompatLockDirectory(), "/zerobuffer/locks");
}

TEST_F(PathsTest, CompatLockDirectoryFallsBackToTmp) {
  ScopedEnvironmentVariable tmpdir("TMPDIR", std::nullopt);
  EXPECT_EQ(platform::CompatLockDirectory(), "/tmp/zerobuffer/locks");
  tmpdir.Set("");
  EXPECT_EQ(platform::CompatLockDirectory(), "/tmp/zerobuffer/locks");
}

TEST_F(PathsTest, JoinPathAddsExactlyOneSeparator) {
  EXPECT_EQ(JoinPath("/tmp/zerobuffer", "a.lock"), "/tmp/zerobuffer/a.lock");
  EXPECT_EQ(JoinPath("/tmp/zerobuffer/", "a.lock"), "/tmp/zerobuffer/a.lock");
  EXPECT_EQ(JoinPath("/", "a.lock"), "/a.lock");
  EXPECT_EQ(JoinPath("relative", "a.lock"), "relative/a.lock");
  EXPECT_EQ(JoinPath("", "a.lock"), "a.lock") << "no directory, no root";
}

TEST_F(PathsTest, EnsureDirectoryCreatesNestedSharedStickyDirectories) {
  const std::string root = MakeTempDirectory();
  ASSERT_FALSE(root.empty());
  // A umask that would strip the group and other bits, had EnsureDirectory
  // not overridden it.
  const int root_mode = PermissionBits(root);
  const platform::testing::ScopedUmask strict(0077);
  const std::string a = JoinPath(root, "a");
  const std::string b = JoinPath(a, "b");
  const std::string c = JoinPath(b, "c");

  const absl::Status made = EnsureDirectory(c);
  ASSERT_TRUE(made.ok()) << made;
  for (const std::string& dir : {a, b, c}) {
    EXPECT_TRUE(std::filesystem::is_directory(dir)) << dir;
    // World-writable and sticky, as /tmp.
    EXPECT_EQ(PermissionBits(dir), 01777)
        << dir << std::oct << ": 0" << PermissionBits(dir);
  }
  // Directories it did not create keep their mode.
  EXPECT_EQ(PermissionBits(root), root_mode);
}

TEST_F(PathsTest, EnsureDirectoryIsIdempotent) {
  const std::string root = MakeTempDirectory();
  ASSERT_FALSE(root.empty());
  const std::string dir = JoinPath(JoinPath(root, "x"), "y");
  ASSERT_TRUE(EnsureDirectory(dir).ok());
  const std::string marker = JoinPath(dir, "keep.lock");
  Touch(marker);
  const absl::Status again = EnsureDirectory(dir);
  EXPECT_TRUE(again.ok()) << again;
  EXPECT_TRUE(FileExists(marker)) << "the existing directory was replaced";
  // A trailing separator names the same directory.
  const absl::Status trailing = EnsureDirectory(dir + "/");
  EXPECT_TRUE(trailing.ok()) << trailing;
}

TEST_F(PathsTest, EnsureDirectoryFailsWhereAFileIs) {
  const std::string root = MakeTempDirectory();
  ASSERT_FALSE(root.empty());
  const std::string file = JoinPath(root, "plain");
  Touch(file);
  EXPECT_FALSE(EnsureDirectory(file).ok());
  // And where a file stands in for a parent.
  EXPECT_FALSE(EnsureDirectory(JoinPath(file, "child")).ok());
  EXPECT_FALSE(std::filesystem::is_directory(file));
}

TEST_F(PathsTest, ListFilesFiltersBySuffixAndKeepsOnlyRegularFiles) {
  const std::string root = MakeTempDirectory();
  ASSERT_FALSE(root.empty());
  Touch(JoinPath(root, "one.lock"));
  Touch(JoinPath(root, "two.lock"));
  Touch(JoinPath(root, "three.txt"));
  Touch(JoinPath(root, "lock"));  // The suffix must end the name.
  Touch(JoinPath(root, "four.lock.bak"));
  ASSERT_TRUE(std::filesystem::create_directory(JoinPath(root, "dir.lock")));
  const absl::Status fifo =
      platform::testing::MakeFifo(JoinPath(root, "fifo.lock"));
  ASSERT_TRUE(fifo.ok()) << fifo;

  absl::StatusOr<std::vector<std::string>> names = ListFiles(root, ".lock");
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, UnorderedElementsAre("one.lock", "two.lock"));

  // An empty suffix matches every regular file.
  names = ListFiles(root, "");
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, UnorderedElementsAre("one.lock", "two.lock", "three.txt",
                                           "lock", "four.lock.bak"));
}

TEST_F(PathsTest, ListFilesOfMissingDirectoryIsEmpty) {
  const std::string root = MakeTempDirectory();
  ASSERT_FALSE(root.empty());
  absl::StatusOr<std::vector<std::string>> names =
      ListFiles(JoinPath(root, "missing"), ".lock");
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, IsEmpty());
}

TEST_F(PathsTest, ListFilesOfAFileFails) {
  const std::string root = MakeTempDirectory();
  ASSERT_FALSE(root.empty());
  const std::string file = JoinPath(root, "plain.lock");
  Touch(file);
  EXPECT_FALSE(ListFiles(file, ".lock").ok());
}

TEST_F(PathsTest, FileExists) {
  const std::string root = MakeTempDirectory();
  ASSERT_FALSE(root.empty());
  const std::string file = JoinPath(root, "f");
  EXPECT_FALSE(FileExists(file));
  Touch(file);
  EXPECT_TRUE(FileExists(file));
  EXPECT_TRUE(FileExists(root));
  EXPECT_FALSE(FileExists(JoinPath(root, "missing/f")));
}

}  // namespace
}  // namespace zerobuffer::testing
