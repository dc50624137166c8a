#include "tests/harmony/scenario_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace zerobuffer::harmony {
namespace {

constexpr char kIndent[] = "    ";

std::string Seconds(absl::Duration duration) {
  return absl::StrFormat("%.2f s", absl::ToDoubleSeconds(duration));
}

}  // namespace

std::string FormatScenarioResult(const ScenarioResult& result) {
  const std::string name =
      absl::StrCat(result.feature, " :: ", result.scenario);
  switch (result.outcome) {
    case ScenarioResult::Outcome::kPassed:
      return absl::StrCat("PASS  ", name, " (", Seconds(result.duration),
                          ")\n");
    case ScenarioResult::Outcome::kSkipped:
      return absl::StrCat("SKIP  ", name, " — ", result.reason, "\n");
    case ScenarioResult::Outcome::kFailed:
      break;
  }
  std::string text =
      absl::StrCat("FAIL  ", name, " (", Seconds(result.duration), ")\n");
  if (!result.steps.empty() && !result.steps.back().passed) {
    const StepResult& step = result.steps.back();
    absl::StrAppend(&text, kIndent, "at line ", step.line, ": ", step.text,
                    "\n", kIndent, step.error, "\n");
  } else if (!result.reason.empty()) {
    absl::StrAppend(&text, kIndent, result.reason, "\n");
  }
  if (!result.leftovers.empty()) {
    absl::StrAppend(&text, kIndent,
                    "left behind after every process exited (removed): ",
                    absl::StrJoin(result.leftovers, ", "), "\n");
  }
  if (!result.unremoved.empty()) {
    absl::StrAppend(&text, kIndent,
                    "could not remove: ", absl::StrJoin(result.unremoved, ", "),
                    "\n");
  }
  return text;
}

std::string FormatFeatureError(const std::string& file,
                               const absl::Status& error) {
  return absl::StrCat("FAIL  ", file, "\n", kIndent, error.message(), "\n");
}

void Tally::Count(ScenarioResult::Outcome outcome) {
  switch (outcome) {
    case ScenarioResult::Outcome::kPassed:
      ++passed_;
      break;
    case ScenarioResult::Outcome::kFailed:
      ++failed_;
      break;
    case ScenarioResult::Outcome::kSkipped:
      ++skipped_;
      break;
  }
}

std::string Tally::Summary() const {
  std::string summary = absl::StrCat(passed_, " passed, ", failed_, " failed, ",
                                     skipped_, " skipped\n");
  if (passed_ + failed_ + skipped_ == 0) {
    absl::StrAppend(&summary, "no scenario matched\n");
  }
  return summary;
}

int Tally::ExitCode() const {
  return failed_ == 0 && passed_ + failed_ + skipped_ > 0 ? 0 : 1;
}

}  // namespace zerobuffer::harmony
