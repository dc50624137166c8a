// harmony_runner's flags: feature files, per-role serve commands, platforms
// and the --scenario filter.

#include "tests/harmony/runner_command_line.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "re2/re2.h"
#include "tests/harmony/gherkin.h"

namespace zerobuffer::harmony {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using Commands = std::map<std::string, std::vector<std::string>>;

Commands ServeCommandsOk(const std::vector<std::string>& entries,
                         const std::string& working_directory = "") {
  absl::StatusOr<Commands> commands = ServeCommands(entries, working_directory);
  EXPECT_TRUE(commands.ok()) << commands.status();
  return commands.value_or(Commands{});
}

TEST(ServeCommandsTest, OneCommandPerRole) {
  // --serve=reader=/a,writer=/b arrives as two entries.
  EXPECT_THAT(ServeCommandsOk({"reader=/a", "writer=/b"}),
              ElementsAre(Pair("reader", ElementsAre("/a")),
                          Pair("writer", ElementsAre("/b"))));
}

TEST(ServeCommandsTest, ABareCommandIsEveryRolesDefault) {
  EXPECT_THAT(ServeCommandsOk({"/bin/serve", "writer=/other --x"}),
              ElementsAre(Pair("*", ElementsAre("/bin/serve")),
                          Pair("writer", ElementsAre("/other", "--x"))));
}

TEST(ServeCommandsTest, ArgumentsFollowTheProgramAndMayHoldEquals) {
  EXPECT_THAT(
      ServeCommandsOk({"reader=/s --log_level=DEBUG  --step_timeout=5s"}),
      ElementsAre(Pair("reader", ElementsAre("/s", "--log_level=DEBUG",
                                             "--step_timeout=5s"))));
  // No plain word before the first '=': the whole entry is the command.
  EXPECT_THAT(ServeCommandsOk({"/opt/a=b/serve --x=1"}),
              ElementsAre(Pair("*", ElementsAre("/opt/a=b/serve", "--x=1"))));
}

TEST(ServeCommandsTest, RelativeProgramsAreRelativeToTheUsersDirectory) {
  EXPECT_THAT(ServeCommandsOk({"reader=bazel-bin/serve/serve"}, "/work/repo"),
              ElementsAre(Pair(
                  "reader", ElementsAre("/work/repo/bazel-bin/serve/serve"))));
  EXPECT_THAT(ServeCommandsOk({"reader=bazel-bin/serve/serve"}),
              ElementsAre(Pair("reader", ElementsAre("bazel-bin/serve/serve"))))
      << "without a user directory (bazel test) paths stay as given";
}

TEST(ServeCommandsTest, RejectsMissingCommands) {
  EXPECT_THAT(ServeCommands({}, "").status().message(),
              HasSubstr("--serve is required"));
  EXPECT_THAT(ServeCommands({"reader="}, "").status().message(),
              HasSubstr("without a command: 'reader='"));
  EXPECT_THAT(ServeCommands({"reader=  "}, "").status().message(),
              HasSubstr("without a command"));
}

TEST(PlatformsTest, RoleEqualsName) {
  absl::StatusOr<std::map<std::string, std::string>> platforms =
      Platforms({"reader=python", "writer=csharp"});
  ASSERT_TRUE(platforms.ok()) << platforms.status();
  EXPECT_THAT(*platforms,
              ElementsAre(Pair("reader", "python"), Pair("writer", "csharp")));
  for (const std::string bad : {"reader", "=python", "reader="}) {
    EXPECT_FALSE(Platforms({bad}).ok()) << bad;
  }
}

TEST(FeatureFilesTest, DirectoriesGiveTheirFeatureFilesSorted) {
  const std::filesystem::path directory =
      std::filesystem::path(::testing::TempDir()) / "features";
  std::filesystem::create_directories(directory);
  for (const char* name : {"02-b.feature", "01-a.feature", "notes.txt"}) {
    std::ofstream(directory / name) << "Feature: x\n";
  }
  absl::StatusOr<std::vector<std::string>> files =
      FeatureFiles({directory.string(), "/elsewhere/09-z.feature"}, "");
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(*files, ElementsAre((directory / "01-a.feature").string(),
                                  (directory / "02-b.feature").string(),
                                  "/elsewhere/09-z.feature"));
  std::filesystem::remove_all(directory);
}

TEST(FeatureFilesTest, RelativeFilesAreRelativeToTheUsersDirectory) {
  absl::StatusOr<std::vector<std::string>> files =
      FeatureFiles({"tests/features/01-x.feature"}, "/work/repo");
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(*files, ElementsAre("/work/repo/tests/features/01-x.feature"));
}

TEST(FeatureFilesTest, NothingToRunIsAnError) {
  EXPECT_THAT(FeatureFiles({}, "").status().message(),
              HasSubstr("no feature files"));
}

std::vector<std::string> SelectedNames(const std::string& pattern) {
  absl::StatusOr<Feature> feature = ParseFeature(R"(Feature: Filter
  Scenario: Test 1.1 - Simple Write-Read Cycle
    Given the 'reader' process starts
  Scenario: Test 1.2 - Multiple Frames
    Given the 'reader' process starts
  Scenario: Test 2.1 - Writer Crash Detection
    Given the 'reader' process starts
)",
                                                 "01-Filter.feature");
  EXPECT_TRUE(feature.ok()) << feature.status();
  const RE2 filter(pattern);
  EXPECT_TRUE(filter.ok()) << filter.error();
  std::vector<std::string> names;
  for (const Scenario* scenario : SelectScenarios(*feature, filter)) {
    names.push_back(scenario->name);
  }
  return names;
}

TEST(SelectScenariosTest, AnEmptyFilterSelectsEverything) {
  EXPECT_THAT(SelectedNames(""),
              ElementsAre("Test 1.1 - Simple Write-Read Cycle",
                          "Test 1.2 - Multiple Frames",
                          "Test 2.1 - Writer Crash Detection"));
}

TEST(SelectScenariosTest, TheFilterMatchesAnywhereInTheName) {
  EXPECT_THAT(SelectedNames(R"(1\.\d)"),
              ElementsAre("Test 1.1 - Simple Write-Read Cycle",
                          "Test 1.2 - Multiple Frames"));
  EXPECT_THAT(SelectedNames("Crash"),
              ElementsAre("Test 2.1 - Writer Crash Detection"));
  EXPECT_THAT(SelectedNames("^Crash"), ::testing::IsEmpty());
  EXPECT_THAT(SelectedNames("(?i)multiple"),
              ElementsAre("Test 1.2 - Multiple Frames"));
}

}  // namespace
}  // namespace zerobuffer::harmony
