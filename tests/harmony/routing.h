// Harmony's step routing (harmony-contract §6): which step type each step is
// sent with, which process receives it, which steps Harmony handles itself,
// which processes a scenario starts, and which scenarios it skips.
//
// Everything reproduces the orchestrator's code, including what differs
// from its intent: every step without a process of its own inherits the
// previous one, whatever its keyword (§6.2). The patterns are Harmony's .NET
// regular expressions, with \s, \w and \d spelled out as the Unicode classes
// they are in .NET.

#ifndef ZEROBUFFER_TESTS_HARMONY_ROUTING_H_
#define ZEROBUFFER_TESTS_HARMONY_ROUTING_H_

#include <optional>
#include <string>
#include <vector>

#include "steps/step_type.h"
#include "tests/harmony/gherkin.h"

namespace zerobuffer::harmony {

// Given 0, When 1, Then 2: the wire values of executeStep's StepType (§5.3).
using StepType = steps::StepType;

// The process a step text names (§6.1), as written, or nullopt. Harmony
// turns "readers"/"writers" (exactly these spellings) into "reader"/"writer".
std::optional<std::string> ExtractProcess(const std::string& text);

struct RoutedStep {
  enum class Action {
    kExecute,   // executeStep to `process`, or to every process if none
    kWait,      // Harmony sleeps `wait_seconds`
    kShutdown,  // Harmony calls `shutdown` on `target_process`
    kKill,      // Harmony stops `target_process` as at a scenario's end
    kCrash,     // Harmony calls `crash` on `target_process`
  };

  const Step* step = nullptr;
  StepType type = StepType::kGiven;
  // Extracted or inherited; nullopt means a broadcast. Computed for steps
  // Harmony handles too, because they pass it on to later steps.
  std::optional<std::string> process;
  Action action = Action::kExecute;
  // For kWait. -1 when the number does not fit an int, or has non-ASCII
  // digits: Harmony's int.Parse then throws and the scenario fails here.
  int wait_seconds = 0;
  // For kShutdown, kKill and kCrash: the name in the lifecycle phrase, which
  // need not be `process`. Harmony fails the step when the scenario has no
  // such process.
  std::string target_process;
  bool from_background = false;
};

struct RoutedScenario {
  // The background's steps, then the scenario's.
  std::vector<RoutedStep> steps;
  // The processes Harmony starts, in order of first appearance (§2.3.1):
  // the distinct `process` values of `steps`, Harmony-handled steps
  // included. A lifecycle target that no step routes to is not started.
  std::vector<std::string> processes;
  // Harmony never runs a scenario none of whose steps has a process (§6.7).
  bool skipped = false;
};

// The steps point into `feature` and `scenario`, which must outlive the
// result.
RoutedScenario RouteScenario(const Feature& feature, const Scenario& scenario);

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_ROUTING_H_
