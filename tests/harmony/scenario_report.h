// How harmony_runner reports: one block per scenario (PASS, FAIL with the
// failing step and what was left behind, SKIP with the reason) and a
// summary whose tally decides the exit code.

#ifndef ZEROBUFFER_TESTS_HARMONY_SCENARIO_REPORT_H_
#define ZEROBUFFER_TESTS_HARMONY_SCENARIO_REPORT_H_

#include <string>

#include "absl/status/status.h"
#include "tests/harmony/scenario_runner.h"

namespace zerobuffer::harmony {

// "PASS  <feature> :: <scenario> (1.23 s)", for a failure followed by
// indented lines for the failed step (or the reason) and the leftovers.
// Each line ends in '\n'.
std::string FormatScenarioResult(const ScenarioResult& result);

// A feature file that could not be read or parsed, reported as a failure.
std::string FormatFeatureError(const std::string& file,
                               const absl::Status& error);

class Tally {
 public:
  void Count(ScenarioResult::Outcome outcome);
  // A feature file that could not be read counts as a failure.
  void CountFeatureError() { ++failed_; }

  // "3 passed, 1 failed, 2 skipped", and a second line when nothing ran.
  std::string Summary() const;
  // 0 when something ran and nothing failed, else 1.
  int ExitCode() const;

 private:
  int passed_ = 0;
  int failed_ = 0;
  int skipped_ = 0;
};

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_SCENARIO_REPORT_H_
