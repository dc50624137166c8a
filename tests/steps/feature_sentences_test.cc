// Every sentence of our scenario suite must match exactly one registered
// step: an unknown sentence fails a scenario at run time, and an ambiguous
// one depends on registration order.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "steps/registry.h"
#include "tests/harmony/gherkin.h"
#include "tests/harmony/routing.h"
#include "tests/harmony/runner_command_line.h"

namespace zerobuffer::steps {
namespace {

TEST(FeatureSentencesTest, EverySentenceMatchesExactlyOneStep) {
  // tests/features is a runfiles directory of this test.
  const absl::StatusOr<std::vector<std::string>> files =
      harmony::FeatureFiles({"tests/features"}, "");
  ASSERT_TRUE(files.ok()) << files.status();
  int checked = 0;
  for (const std::string& file : *files) {
    absl::StatusOr<harmony::Feature> feature = harmony::ParseFeatureFile(file);
    ASSERT_TRUE(feature.ok()) << feature.status();
    for (const harmony::Scenario& scenario : feature->scenarios) {
      // Routed as Harmony routes it: waits, kills and crashes are Harmony's
      // own and never reach a step server.
      for (const harmony::RoutedStep& routed :
           harmony::RouteScenario(*feature, scenario).steps) {
        if (routed.action != harmony::RoutedStep::Action::kExecute) continue;
        const absl::StatusOr<StepMatch> match =
            StepRegistry::Global().Match(routed.step->text);
        EXPECT_TRUE(match.ok()) << file << ":" << routed.step->line << ": "
                                << match.status().message();
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(FeatureSentencesTest, EveryDeclarationIsUsable) {
  for (const auto& definition : StepRegistry::Global().definitions()) {
    EXPECT_EQ(definition->defect(), "")
        << definition->location() << ": '" << definition->pattern() << "'";
  }
}

}  // namespace
}  // namespace zerobuffer::steps
