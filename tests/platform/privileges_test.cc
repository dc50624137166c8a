// Users, file ownership and RunAsUser on POSIX. What needs root (becoming
// another user) runs when the test does; otherwise the test checks that the
// attempt is refused.

#include "platform/privileges.h"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/paths.h"
#include "platform/process.h"
#include "tests/platform/test_util.h"

namespace zerobuffer::testing {
namespace {

using platform::CurrentUser;
using platform::FileOwnership;
using platform::GetFileOwnership;
using platform::LookupUser;
using platform::RunAsUser;
using platform::UserIdentity;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

class PrivilegesTest : public LeakCheckedTest {
 protected:
  void SetUp() override {
    absl::StatusOr<UserIdentity> self = CurrentUser();
    ASSERT_TRUE(self.ok()) << self.status();
    self_ = *self;
  }

  UserIdentity self_;
};

TEST_F(PrivilegesTest, WeOwnTheFilesWeCreate) {
  const std::string directory = MakeTempDirectory();
  ASSERT_FALSE(directory.empty());
  const std::string file = platform::JoinPath(directory, "mine");
  Touch(file);
  absl::StatusOr<FileOwnership> ownership = GetFileOwnership(file);
  ASSERT_TRUE(ownership.ok()) << ownership.status();
  EXPECT_EQ(ownership->uid, self_.uid);
}

TEST_F(PrivilegesTest, FileOwnershipReportsAllTwelveModeBits) {
  const std::string directory = MakeTempDirectory();
  ASSERT_FALSE(directory.empty());
  const std::string file = platform::JoinPath(directory, "file");
  Touch(file);
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write |
                            fs::perms::group_read);
  absl::StatusOr<FileOwnership> ownership = GetFileOwnership(file);
  ASSERT_TRUE(ownership.ok()) << ownership.status();
  EXPECT_EQ(ownership->mode, 0640u) << std::oct << ownership->mode;

  const std::string sticky = platform::JoinPath(directory, "sticky");
  ASSERT_TRUE(fs::create_directory(sticky));
  fs::permissions(sticky, fs::perms::all | fs::perms::sticky_bit);
  ownership = GetFileOwnership(sticky);
  ASSERT_TRUE(ownership.ok()) << ownership.status();
  EXPECT_EQ(ownership->mode, 01777u) << std::oct << ownership->mode;
}

TEST_F(PrivilegesTest, FileOwnershipOfMissingPathIsNotFound) {
  const std::string directory = MakeTempDirectory();
  ASSERT_FALSE(directory.empty());
  EXPECT_EQ(GetFileOwnership(platform::JoinPath(directory, "missing"))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PrivilegesTest, LookupUserFindsRoot) {
  absl::StatusOr<UserIdentity> root = LookupUser("root");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->uid, 0u);
  EXPECT_EQ(root->gid, 0u);
}

TEST_F(PrivilegesTest, LookupUserOfUnknownAccountIsNotFound) {
  absl::StatusOr<UserIdentity> unknown = LookupUser("zb-no-such-account");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound)
      << unknown.status();
  EXPECT_THAT(unknown.status().message(), HasSubstr("zb-no-such-account"));
}

TEST_F(PrivilegesTest, RunAsUserReturnsWhatTheTaskSaysFromAnotherProcess) {
  absl::StatusOr<std::string> pid = RunAsUser(
      self_, [] { return absl::StrCat(platform::CurrentProcessId()); },
      kGenerousTimeout);
  ASSERT_TRUE(pid.ok()) << pid.status();
  platform::ProcessId child = 0;
  ASSERT_TRUE(absl::SimpleAtoi(*pid, &child)) << *pid;
  EXPECT_NE(child, platform::CurrentProcessId());
}

TEST_F(PrivilegesTest, RunAsUserWithoutTimeLimitWaitsForTheTask) {
  absl::StatusOr<std::string> said = RunAsUser(
      self_, [] { return "done"; }, absl::InfiniteDuration());
  ASSERT_TRUE(said.ok()) << said.status();
  EXPECT_EQ(*said, "done");
}

TEST_F(PrivilegesTest, RunAsUserReportsWhatTheTaskThrew) {
  absl::StatusOr<std::string> said = RunAsUser(
      self_, []() -> std::string { throw std::runtime_error("no buffer"); },
      kGenerousTimeout);
  EXPECT_EQ(said.status().code(), absl::StatusCode::kAborted) << said.status();
  EXPECT_THAT(said.status().message(), HasSubstr("no buffer"));

  said = RunAsUser(
      self_, []() -> std::string { throw 42; }, kGenerousTimeout);
  EXPECT_EQ(said.status().code(), absl::StatusCode::kAborted) << said.status();
  EXPECT_THAT(said.status().message(), HasSubstr("not a std::exception"));
}

TEST_F(PrivilegesTest, RunAsUserKillsATaskThatOverrunsItsTime) {
  absl::StatusOr<std::string> said = RunAsUser(
      self_,
      [] {
        std::this_thread::sleep_for(std::chrono::hours(1));
        return "too late";
      },
      absl::Milliseconds(50));
  EXPECT_EQ(said.status().code(), absl::StatusCode::kDeadlineExceeded)
      << said.status();
}

TEST_F(PrivilegesTest, RunAsUserReportsAChildThatDiedWithoutAWord) {
  absl::StatusOr<std::string> said = RunAsUser(
      self_, []() -> std::string { platform::DieAbruptly(); },
      kGenerousTimeout);
  EXPECT_EQ(said.status().code(), absl::StatusCode::kInternal) << said.status();
  EXPECT_THAT(said.status().message(),
              HasSubstr("killed by signal 9 (SIGKILL)"));
}

// The privileged half: needs root, which may become anyone. Without root it
// checks that the attempt is refused.
TEST_F(PrivilegesTest, RunAsUserBecomesTheUser) {
  absl::StatusOr<UserIdentity> nobody = LookupUser("nobody");
  if (!nobody.ok()) GTEST_SKIP() << "no account 'nobody': " << nobody.status();
  if (nobody->uid == self_.uid) GTEST_SKIP() << "the test runs as 'nobody'";

  absl::StatusOr<std::string> identity = RunAsUser(
      *nobody,
      [] {
        const absl::StatusOr<UserIdentity> user = CurrentUser();
        return absl::StrCat(user->uid, " ", user->gid);
      },
      kGenerousTimeout);
  if (self_.uid != 0) {
    EXPECT_EQ(identity.status().code(), absl::StatusCode::kPermissionDenied)
        << identity.status();
    return;
  }
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(*identity, absl::StrCat(nobody->uid, " ", nobody->gid));
}

// A process of another user may not be signalled (EPERM), which must not
// read as dead: a writer running as one user would otherwise declare the
// reader of another dead while it runs (protocol.md 8.1).
TEST_F(PrivilegesTest, AnotherUsersProcessIsAlive) {
  absl::StatusOr<UserIdentity> nobody = LookupUser("nobody");
  if (!nobody.ok()) GTEST_SKIP() << "no account 'nobody': " << nobody.status();
  if (self_.uid != 0) GTEST_SKIP() << "becoming 'nobody' takes root";

  const platform::ProcessId parent = platform::CurrentProcessId();
  absl::StatusOr<std::string> seen = RunAsUser(
      *nobody,
      [parent] {
        return std::string(platform::IsProcessAlive(parent) ? "alive" : "dead");
      },
      kGenerousTimeout);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(*seen, "alive")
      << "uid " << nobody->uid << " judged root's process " << parent;
}

}  // namespace
}  // namespace zerobuffer::testing
