// Lock directory locations and the file-system helpers in platform/paths.h
// on POSIX.

#include "platform/paths.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/platform/test_util.h"

namespace zerobuffer::testing {
namespace {

using platform::EnsureDirectory;
using platform::FileExists;
using platform::JoinPath;
using platform::ListFiles;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class PathsTest : public LeakCheckedTest {
 protected:
  void SetUp() override {
    const char* tmpdir = std::getenv("TMPDIR");
    if (tmpdir != nullptr) saved_tmpdir_ = tmpdir;
  }

  void TearDown() override {
    // Before the leftover check, which looks in CompatLockDirectory().
    if (saved_tmpdir_.has_value()) {
      setenv("TMPDIR", saved_tmpdir_->c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
    LeakCheckedTest::TearDown();
  }

 private:
  std::optional<std::string> saved_tmpdir_;
};

void Touch(const std::string& path) { std::ofstream(path) << "x"; }

bool IsDirectory(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

TEST_F(PathsTest, PrimaryLockDirectoryIsFixed) {
  // Independent of $TMPDIR, unlike the C# location.
  setenv("TMPDIR", "/var/somewhere", 1);
  EXPECT_EQ(platform::PrimaryLockDirectory(), "/tmp/zerobuffer");
}

TEST_F(PathsTest, CompatLockDirectoryHonoursTmpdir) {
  setenv("TMPDIR", "/var/cache/zbtmp", 1);
  EXPECT_EQ(platform::CompatLockDirectory(),
            "/var/cache/zbtmp/zerobuffer/locks");
  setenv("TMPDIR", "/var/cache/zbtmp/", 1);
  EXPECT_EQ(platform::CompatLockDirectory(),
            "/var/cache/zbtmp/zerobuffer/locks");
  setenv("TMPDIR", "/var/cache/zbtmp//", 1);
  EXPECT_EQ(platform::CompatLockDirectory(),
            "/var/cache/zbtmp/zerobuffer/locks");
  // .NET's Path.GetTempPath() gives "/", and C# then uses /zerobuffer/locks.
  setenv("TMPDIR", "/", 1);
  EXPECT_EQ(platform::CompatLockDirectory(), "/zerobuffer/locks");
}

TEST_F(PathsTest, CompatLockDirectoryFallsBackToTmp) {
  unsetenv("TMPDIR");
  EXPECT_EQ(platform::CompatLockDirectory(), "/tmp/zerobuffer/locks");
  setenv("TMPDIR", "", 1);
  EXPECT_EQ(platform::CompatLockDirectory(), "/tmp/zerobuffer/locks");
}

TEST_F(PathsTest, JoinPathAddsExactlyOneSeparator) {
  EXPECT_EQ(JoinPath("/tmp/zerobuffer", "a.lock"), "/tmp/zerobuffer/a.lock");
  EXPECT_EQ(JoinPath("/tmp/zerobuffer/", "a.lock"), "/tmp/zerobuffer/a.lock");
  EXPECT_EQ(JoinPath("/", "a.lock"), "/a.lock");
  EXPECT_EQ(JoinPath("relative", "a.lock"), "relative/a.lock");
  EXPECT_EQ(JoinPath("", "a.lock"), "a.lock") << "no directory, no root";
}

TEST_F(PathsTest, EnsureDirectoryCreatesNestedWorldWritableDirectories) {
  const std::string root = MakeTempDirectory();
  ASSERT_FALSE(root.empty());
  // A umask that would strip the group and other bits, had EnsureDirectory
  // not overridden it.
  const int root_mode = PermissionBits(root);
  const ScopedUmask strict(0077);
  const std::string a = JoinPath(root, "a");
  const std::string b = JoinPath(a, "b");
  const std::string c = JoinPath(b, "c");

  const absl::Status made = EnsureDirectory(c);
  ASSERT_TRUE(made.ok()) << made;
  for (const std::string& dir : {a, b, c}) {
    EXPECT_TRUE(IsDirectory(dir)) << dir;
    EXPECT_EQ(PermissionBits(dir), 0777) << dir;
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
  EXPECT_FALSE(IsDirectory(file));
}

TEST_F(PathsTest, ListFilesFiltersBySuffixAndKeepsOnlyRegularFiles) {
  const std::string root = MakeTempDirectory();
  ASSERT_FALSE(root.empty());
  Touch(JoinPath(root, "one.lock"));
  Touch(JoinPath(root, "two.lock"));
  Touch(JoinPath(root, "three.txt"));
  Touch(JoinPath(root, "lock"));  // The suffix must end the name.
  Touch(JoinPath(root, "four.lock.bak"));
  ASSERT_EQ(mkdir(JoinPath(root, "dir.lock").c_str(), 0755), 0);
  ASSERT_EQ(mkfifo(JoinPath(root, "fifo.lock").c_str(), 0644), 0);

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
