#include "tests/harmony/gherkin.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zerobuffer::harmony {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The shapes of the upstream files: feature tags on two lines, a
// description, a background that starts with And, tagged scenarios, blank
// lines and comments between steps, a trailing ';' and a table step.
constexpr char kFeature[] = R"(# A comment before everything
@stress-test
@long-running
Feature: Stress Tests
    Stress and endurance tests
    for the whole ring

    Background:
        And stress test environment is prepared

    @linux @windows
    Scenario: Test 11.1 - Rapid Create Destroy Cycles
        Given the 'reader' process creates buffer 'test-rapid' with default config

        # a comment between steps
        When the 'writer' process writes frame with sequence '1';
        Then measure latency for frame sizes:
        | size | iterations |
        | 1KB  | 10000      |
        But the 'reader' process should see no leaks
        * the 'reader' process is done

    Scenario: Test 11.2 - Second
        Given the 'reader' process creates buffer 'x' with default config
)";

TEST(ParseFeatureTest, ReadsTheStructureOfAFeatureFile) {
  const absl::StatusOr<Feature> feature =
      ParseFeature(kFeature, "11-StressTests.feature");
  ASSERT_TRUE(feature.ok()) << feature.status();
  EXPECT_EQ(feature->name, "Stress Tests");
  EXPECT_EQ(feature->file_name, "11-StressTests.feature");
  EXPECT_THAT(feature->tags, ElementsAre("@stress-test", "@long-running"));

  ASSERT_EQ(feature->background.size(), 1u);
  EXPECT_EQ(feature->background[0].keyword, "And");
  EXPECT_EQ(feature->background[0].text, "stress test environment is prepared");
  EXPECT_EQ(feature->background[0].line, 9);

  ASSERT_EQ(feature->scenarios.size(), 2u);
  const Scenario& first = feature->scenarios[0];
  EXPECT_EQ(first.name, "Test 11.1 - Rapid Create Destroy Cycles");
  EXPECT_THAT(first.tags, ElementsAre("@linux", "@windows"));
  EXPECT_EQ(first.line, 12);
  ASSERT_EQ(first.steps.size(), 5u);
  EXPECT_EQ(first.steps[0].keyword, "Given");
  EXPECT_EQ(first.steps[0].line, 13);
  EXPECT_EQ(first.steps[1].keyword, "When");
  EXPECT_EQ(first.steps[1].text,
            "the 'writer' process writes frame with sequence '1';");
  EXPECT_EQ(first.steps[1].line, 16);
  EXPECT_EQ(first.steps[2].text, "measure latency for frame sizes:");
  EXPECT_THAT(first.steps[2].table,
              ElementsAre(ElementsAre("size", "iterations"),
                          ElementsAre("1KB", "10000")));
  EXPECT_EQ(first.steps[3].keyword, "But");
  EXPECT_THAT(first.steps[3].table, IsEmpty());
  EXPECT_EQ(first.steps[4].keyword, "*");
  EXPECT_EQ(first.steps[4].text, "the 'reader' process is done");
  EXPECT_EQ(first.steps[4].line, 21);

  EXPECT_THAT(feature->scenarios[1].tags, IsEmpty());
  EXPECT_EQ(feature->scenarios[1].line, 23);
}

TEST(ParseFeatureTest, AcceptsAnEmptyBackgroundFollowedByTags) {
  const absl::StatusOr<Feature> feature = ParseFeature(
      "Feature: F\n"
      "    Background:\n"
      "\n"
      "    @linux\n"
      "    Scenario: S\n"
      "        Given the platform is 'Linux'\n",
      "08-PlatformSpecific.feature");
  ASSERT_TRUE(feature.ok()) << feature.status();
  EXPECT_THAT(feature->background, IsEmpty());
  ASSERT_EQ(feature->scenarios.size(), 1u);
  EXPECT_THAT(feature->scenarios[0].tags, ElementsAre("@linux"));
}

TEST(ParseFeatureTest, TrimsStepTextLikeDotNet) {
  // Tabs, CRLF and a no-break space (U+00A0) around the text are trimmed;
  // the no-break space inside is kept.
  const absl::StatusOr<Feature> feature = ParseFeature(
      "\xEF\xBB\xBF"
      "Feature: F\r\n"
      "Scenario: S\r\n"
      "\tGiven \t the\xC2\xA0'reader' process starts \xC2\xA0\r\n"
      "\tGiven \r\n",
      "f.feature");
  ASSERT_TRUE(feature.ok()) << feature.status();
  ASSERT_EQ(feature->scenarios[0].steps.size(), 2u);
  EXPECT_EQ(feature->scenarios[0].steps[0].text,
            "the\xC2\xA0'reader' process starts");
  EXPECT_EQ(feature->scenarios[0].steps[0].line, 3);
  EXPECT_EQ(feature->scenarios[0].steps[1].text, "");
}

TEST(ParseFeatureTest, NeedsASpaceAfterTheStepKeyword) {
  // "Given\tx" is not a step in Gherkin: free text before the first step is
  // a description, after it an error.
  const std::string scenario = "Feature: F\nScenario: S\nGiven\tx\n";
  const absl::StatusOr<Feature> described = ParseFeature(scenario, "f");
  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_THAT(described->scenarios[0].steps, IsEmpty());

  const absl::StatusOr<Feature> misplaced =
      ParseFeature("Feature: F\nScenario: S\nGiven a\nGiven\tx\n", "f");
  EXPECT_EQ(misplaced.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(misplaced.status().message(), HasSubstr("f:4: "));
}

TEST(ParseFeatureTest, UnescapesAndTrimsTableCells) {
  const absl::StatusOr<Feature> feature = ParseFeature(
      "Feature: F\n"
      "Scenario: S\n"
      "  Given a table:\n"
      "    |  a\\|b | c\\\\d |\\n|  \n"
      "    # a comment inside the table\n"
      "\n"
      "    | x | |y|\n",
      "f");
  ASSERT_TRUE(feature.ok()) << feature.status();
  EXPECT_THAT(
      feature->scenarios[0].steps[0].table,
      ElementsAre(ElementsAre("a|b", "c\\d", "\n"), ElementsAre("x", "", "y")));
}

TEST(ParseFeatureTest, RejectsRowsOfAnotherWidth) {
  const absl::StatusOr<Feature> feature = ParseFeature(
      "Feature: F\nScenario: S\n  Given t:\n  | a | b |\n  | c |\n", "f");
  EXPECT_EQ(feature.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(feature.status().message(), HasSubstr("f:5: "));
}

TEST(ParseFeatureTest, AttachesDocStrings) {
  const absl::StatusOr<Feature> feature = ParseFeature(
      "Feature: F\n"
      "Scenario: S\n"
      "  Given a doc string\n"
      "    \"\"\"\n"
      "      indented\n"
      "    first\n"
      "  less\n"
      "    # not a comment\n"
      "    \\\"\\\"\\\"\n"
      "    \"\"\"\n"
      "  And a fenced one\n"
      "    ```json\n"
      "    {}\n"
      "    ```\n",
      "f");
  ASSERT_TRUE(feature.ok()) << feature.status();
  const std::vector<Step>& steps = feature->scenarios[0].steps;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].doc_string,
            "  indented\nfirst\nless\n# not a comment\n\"\"\"");
  EXPECT_EQ(steps[1].doc_string, "{}");
  EXPECT_EQ(steps[1].line, 11);
}

TEST(ParseFeatureTest, ReportsAnUnclosedDocStringAtItsStart) {
  const absl::StatusOr<Feature> feature =
      ParseFeature("Feature: F\nScenario: S\n  Given x\n  \"\"\"\n  a\n", "f");
  EXPECT_EQ(feature.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(feature.status().message(), HasSubstr("f:4: "));
}

TEST(ParseFeatureTest, SplitsTagsLikeGherkin) {
  const absl::StatusOr<Feature> feature = ParseFeature(
      "@a@b  @c #comment @d\nFeature: F\n@e\n\n# c\n@f\nScenario: S\n", "f");
  ASSERT_TRUE(feature.ok()) << feature.status();
  EXPECT_THAT(feature->tags, ElementsAre("@a", "@b", "@c"));
  EXPECT_THAT(feature->scenarios[0].tags, ElementsAre("@e", "@f"));

  EXPECT_THAT(ParseFeature("@a b\nFeature: F\n", "f").status().message(),
              HasSubstr("f:1: "));
}

TEST(ParseFeatureTest, RefusesWhatHarmonyDoesNotRun) {
  for (const std::string header :
       {"Scenario Outline: O", "Scenario Template: O",
        "Examples:", "Rule: R"}) {
    const absl::StatusOr<Feature> feature = ParseFeature(
        absl::StrCat("Feature: F\n\n", header, "\n  Given x\n"), "f.feature");
    EXPECT_EQ(feature.status().code(), absl::StatusCode::kUnimplemented)
        << header;
    EXPECT_THAT(feature.status().message(), HasSubstr("f.feature:3: "))
        << header;
  }
  EXPECT_EQ(
      ParseFeature("# language: fr\nFonctionnalité: F\n", "f").status().code(),
      absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(ParseFeature("# language: en\nFeature: F\n", "f").ok());
}

TEST(ParseFeatureTest, AcceptsExampleAsScenario) {
  const absl::StatusOr<Feature> feature =
      ParseFeature("Feature: F\nExample: E\n  Given x\n", "f");
  ASSERT_TRUE(feature.ok()) << feature.status();
  ASSERT_EQ(feature->scenarios.size(), 1u);
  EXPECT_EQ(feature->scenarios[0].name, "E");
}

TEST(ParseFeatureTest, NamesTheLineOfEachStructuralError) {
  struct Case {
    const char* text;
    int line;
  };
  const Case cases[] = {
      {"", 0},                                          // no Feature
      {"# only\n\nGiven x\n", 3},                       // before Feature
      {"Feature: F\n  Given x\n", 2},                   // no scenario
      {"Feature: F\nFeature: G\n", 2},                  // two features
      {"Feature: F\nScenario: S\nBackground:\n", 3},    // late background
      {"Feature: F\nBackground:\nBackground:\n", 3},    // two backgrounds
      {"Feature: F\n@t\nBackground:\n", 2},             // tagged background
      {"Feature: F\nScenario: S\n@t\n", 3},             // dangling tags
      {"Feature: F\nScenario: S\n@t\n  Given x\n", 3},  // tags on a step
      {"Feature: F\nScenario: S\n  | a |\n", 3},        // table, no step
      {"Feature: F\nScenario: S\n  \"\"\"\n  \"\"\"\n", 3},  // doc, no step
      {"Feature: F\nScenario: S\n  Given x\n  | a |\n  \"\"\"\n  \"\"\"\n",
       5},  // both arguments
  };
  for (const Case& c : cases) {
    const absl::StatusOr<Feature> feature = ParseFeature(c.text, "bad");
    EXPECT_EQ(feature.status().code(), absl::StatusCode::kInvalidArgument)
        << c.text;
    EXPECT_THAT(feature.status().message(),
                HasSubstr(absl::StrCat("bad:", c.line, ": ")))
        << c.text;
  }
}

TEST(ParseFeatureFileTest, ReadsAFileAndRecordsItsBaseName) {
  const std::string path =
      absl::StrCat(std::getenv("TEST_TMPDIR"), "/03-ErrorHandling.feature");
  std::ofstream(path) << "Feature: Error Handling\n"
                         "Scenario: S\n"
                         "  Given the 'reader' process creates buffer\n";
  const absl::StatusOr<Feature> feature = ParseFeatureFile(path);
  ASSERT_TRUE(feature.ok()) << feature.status();
  EXPECT_EQ(feature->file_name, "03-ErrorHandling.feature");
  EXPECT_EQ(feature->scenarios[0].steps[0].text,
            "the 'reader' process creates buffer");
}

TEST(ParseFeatureFileTest, ReportsAMissingFile) {
  EXPECT_EQ(ParseFeatureFile(
                absl::StrCat(std::getenv("TEST_TMPDIR"), "/missing.feature"))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(FeatureIdTest, IsTheNumberBeforeTheFirstDash) {
  EXPECT_EQ(FeatureId("01-BasicCommunication.feature"), 1);
  EXPECT_EQ(FeatureId("features/14-Benchmarks.feature"), 14);
  EXPECT_EQ(FeatureId("13-DuplexChannel"), 13);
  EXPECT_EQ(FeatureId("2-a-b.feature"), 2);
  EXPECT_EQ(FeatureId("+7-Signed.feature"), 7);  // int.TryParse accepts it
}

TEST(FeatureIdTest, IsZeroWithoutANumberedPrefix) {
  EXPECT_EQ(FeatureId("BasicCommunication.feature"), 0);
  EXPECT_EQ(FeatureId("x1-Name.feature"), 0);
  EXPECT_EQ(FeatureId("-Name.feature"), 0);
  EXPECT_EQ(FeatureId("01.x-y"), 0);  // the dash is in the extension
  EXPECT_EQ(FeatureId("99999999999-Big.feature"), 0);
  EXPECT_EQ(FeatureId("01-dir/Name.feature"), 0);
}

}  // namespace
}  // namespace zerobuffer::harmony
