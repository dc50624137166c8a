#include "tests/harmony/routing.h"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "re2/re2.h"

namespace zerobuffer::harmony {
namespace {

// Harmony's patterns are .NET regular expressions compiled with IgnoreCase.
// In .NET \s, \w and \d are Unicode classes; in RE2 they are ASCII. Spell
// the .NET classes out so that RE2 matches exactly what Harmony matches.
// (Only escapes outside character classes occur in these patterns.)
std::string FromDotNet(const std::string& pattern) {
  std::string translated = "(?i)";
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '\\' || i + 1 == pattern.size()) {
      translated += pattern[i];
      continue;
    }
    const char escaped = pattern[++i];
    if (escaped == 's') {
      translated += R"([\t\n\x0B\f\r\x{85}\p{Z}])";
    } else if (escaped == 'w') {
      translated += R"([\p{L}\p{Mn}\p{Nd}\p{Pc}])";
    } else if (escaped == 'd') {
      translated += R"(\p{Nd})";
    } else {
      translated += pattern[i - 1];
      translated += escaped;
    }
  }
  return translated;
}

// §6.1, tried in this order. Group 1 is the process in each.
constexpr const char* kProcessPatterns[] = {
    R"(^\s*(?:Given|When|Then|And|But)?\s*the\s+'([^']+)'\s+process\s+(.*)$)",
    R"(^the\s+'(\w+)'\s+process\s+(.*)$)",
    R"(^'(\w+)'\s+process\s+(.*)$)",
    R"(^the\s+'(\w+)'\s+(.*)$)",
    R"(^'(\w+)'\s+(.*)$)",
    R"(^the\s+(writer|reader)\s+is\s+'(\w+)'(.*)$)",
    R"(^two\s+(readers|writers)\s+'(\w+)'\s+and\s+'(\w+)'(.*)$)",
};

struct Patterns {
  Patterns() {
    for (const char* pattern : kProcessPatterns) {
      process.push_back(std::make_unique<RE2>(FromDotNet(pattern)));
    }
  }

  std::vector<std::unique_ptr<RE2>> process;
  // §6.6, unanchored. Harmony's lifecycle pattern has one group for all
  // verbs and tells them apart by substring; a group per verb is the same
  // alternation in the same order.
  const RE2 wait{FromDotNet(R"(wait\s+for\s+'(\d+)'\s+seconds)")};
  const RE2 lifecycle{FromDotNet(
      R"(the\s+'([^']+)'\s+process\s+)"
      R"((?:(shutdown|is\s+shutdown)|(killed|is\s+killed)|(crashes)))")};
};

const Patterns& GetPatterns() {
  static const Patterns* const patterns = new Patterns;
  return *patterns;
}

// One per background and one per scenario, as Harmony creates a StepParser
// for each: nothing is inherited across them.
class StepRouter {
 public:
  RoutedStep Route(const Step& step, bool from_background) {
    // The parser yields keywords without whitespace; Harmony trims anyway.
    const std::string keyword = absl::AsciiStrToLower(
        std::string(absl::StripAsciiWhitespace(step.keyword)));
    if (keyword == "given") type_ = StepType::kGiven;
    if (keyword == "when") type_ = StepType::kWhen;
    if (keyword == "then") type_ = StepType::kThen;

    // Harmony means only And/But to inherit, but its keyword comparison
    // never succeeds, so every step without a process inherits (§6.2).
    std::optional<std::string> process = ExtractProcess(step.text);
    if (process.has_value()) {
      last_process_ = process;
    } else {
      process = last_process_;
    }

    RoutedStep routed;
    routed.step = &step;
    routed.type = type_;
    routed.process = std::move(process);
    routed.from_background = from_background;
    SetHarmonyAction(routed);
    return routed;
  }

 private:
  static void SetHarmonyAction(RoutedStep& routed) {
    const Patterns& patterns = GetPatterns();
    const std::string& text = routed.step->text;
    std::string seconds;
    if (RE2::PartialMatch(text, patterns.wait, &seconds)) {
      routed.action = RoutedStep::Action::kWait;
      if (!absl::SimpleAtoi(seconds, &routed.wait_seconds)) {
        routed.wait_seconds = -1;
      }
      return;
    }
    if (routed.type != StepType::kWhen) return;
    std::string shutdown, killed, crashes;
    if (!RE2::PartialMatch(text, patterns.lifecycle, &routed.target_process,
                           &shutdown, &killed, &crashes)) {
      return;
    }
    if (!shutdown.empty()) {
      routed.action = RoutedStep::Action::kShutdown;
    } else if (!killed.empty()) {
      routed.action = RoutedStep::Action::kKill;
    } else {
      routed.action = RoutedStep::Action::kCrash;
    }
  }

  StepType type_ = StepType::kGiven;
  std::optional<std::string> last_process_;
};

}  // namespace

std::optional<std::string> ExtractProcess(const std::string& text) {
  const Patterns& patterns = GetPatterns();
  for (size_t i = 0; i < patterns.process.size(); ++i) {
    std::string process;
    if (!RE2::PartialMatch(text, *patterns.process[i], &process)) continue;
    // Harmony singularises after the patterns of its list (2 to 7) only,
    // and compares case-sensitively.
    if (i > 0 && (process == "readers" || process == "writers")) {
      process.pop_back();
    }
    return process;
  }
  return std::nullopt;
}

RoutedScenario RouteScenario(const Feature& feature, const Scenario& scenario) {
  RoutedScenario routed;
  StepRouter background_router;
  for (const Step& step : feature.background) {
    routed.steps.push_back(
        background_router.Route(step, /*from_background=*/true));
  }
  StepRouter scenario_router;
  for (const Step& step : scenario.steps) {
    routed.steps.push_back(
        scenario_router.Route(step, /*from_background=*/false));
  }
  for (const RoutedStep& step : routed.steps) {
    if (step.process.has_value() &&
        std::find(routed.processes.begin(), routed.processes.end(),
                  *step.process) == routed.processes.end()) {
      routed.processes.push_back(*step.process);
    }
  }
  routed.skipped = routed.processes.empty();
  return routed;
}

}  // namespace zerobuffer::harmony
