// Every sentence of our scenario suite must match exactly one registered
// step: an unknown sentence fails a scenario at run time, and an ambiguous
// one depends on registration order.

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "steps/registry.h"
#include "tests/harmony/gherkin.h"
#include "tests/harmony/routing.h"

namespace zerobuffer::steps {
namespace {

// Every *.feature under tests/features (a runfiles directory of the test).
std::vector<std::string> FeatureFiles() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator("tests/features")) {
    if (entry.path().extension() == ".feature") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(FeatureSentencesTest, EverySentenceMatchesExactlyOneStep) {
  int checked = 0;
  for (const std::string& file : FeatureFiles()) {
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
