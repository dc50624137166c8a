// Runs one scenario the way Harmony does (harmony-contract §2.3, §5, §6):
// one serve process per role, health and initialize, the routed steps one
// at a time (broadcasts to every process at once, waits, kills, crashes and
// shutdowns carried out by the runner itself), and Harmony's stop at the
// end. Then it looks for what the scenario's buffers left behind, which
// Harmony does not: a leftover fails the scenario, and is removed so that
// one scenario cannot disturb the next.

#ifndef ZEROBUFFER_TESTS_HARMONY_SCENARIO_RUNNER_H_
#define ZEROBUFFER_TESTS_HARMONY_SCENARIO_RUNNER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/harmony/gherkin.h"

namespace zerobuffer::harmony {

struct RunnerOptions {
  // Role -> serve command line (argv[0] a path). The key "*" is the default
  // for roles without their own.
  std::map<std::string, std::vector<std::string>> serve_commands;
  // Role -> the platform name sent in initialize; "cpp" when absent.
  std::map<std::string, std::string> platforms;
  // Harmony's processInitializationDelayMs: slept after starting each
  // process.
  absl::Duration process_init_delay = absl::Seconds(1);
  // Harmony has no limit; ours keeps a stuck serve from hanging the run.
  absl::Duration call_timeout = absl::Seconds(60);
  // Harmony never sends tables (§6.5). When true, a step's table goes out
  // as "Table": [[cells...]...] in its executeStep object.
  bool send_tables = false;
  // Harmony runs @windows scenarios everywhere (§6.7); we skip them unless
  // told otherwise, as they cannot pass on Linux.
  bool skip_windows_scenarios = true;
  // Harmony never runs a scenario none of whose steps names a process
  // (§6.7). When set, such a scenario runs every step in one process of
  // this name instead, so that its step definitions are tested too.
  std::optional<std::string> unrouted_process;
};

struct StepResult {
  std::string text;
  int line = 0;
  // The target process, "broadcast", or "harmony" for the steps Harmony
  // carries out itself.
  std::string process;
  bool passed = false;
  std::string error;
  absl::Duration duration;
};

struct ScenarioResult {
  enum class Outcome { kPassed, kFailed, kSkipped };

  std::string feature;  // the feature's file name
  std::string scenario;
  Outcome outcome = Outcome::kPassed;
  // Why it failed (the step's line and text with the error, or why it could
  // not start), or why it was skipped. Empty for a scenario that failed only
  // by its leftovers.
  std::string reason;
  // Every step attempted, the failed one last.
  std::vector<StepResult> steps;
  absl::Duration duration;
  // Paths of the ZeroBuffer objects of the scenario's buffers (segments,
  // semaphores, lock files) still there once all its processes had exited.
  // Any makes the scenario fail: even after a crash, whoever comes next
  // (the surviving peer, a new reader, the serve at its exit) must clean up.
  // The runner removes them all the same.
  std::vector<std::string> leftovers;
  // Those of them it could not remove.
  std::vector<std::string> unremoved;
};

ScenarioResult RunScenario(const Feature& feature, const Scenario& scenario,
                           const RunnerOptions& options);

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_SCENARIO_RUNNER_H_
