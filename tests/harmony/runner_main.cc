// harmony_runner: runs feature files against serve processes the way the
// Harmony orchestrator does, one scenario at a time, and prints one block
// per scenario and a summary. Exits 0 only if something ran and no
// scenario failed.
//
//   bazel run //tests/harmony:harmony_runner -- --features=$PWD/tests/features
//       --serve=$PWD/bazel-bin/serve/serve

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "re2/re2.h"
#include "serve/help_usage.h"
#include "tests/harmony/gherkin.h"
#include "tests/harmony/runner_command_line.h"
#include "tests/harmony/scenario_report.h"
#include "tests/harmony/scenario_runner.h"

ABSL_FLAG(std::vector<std::string>, features, {},
          "Comma-separated feature files or directories (every *.feature in "
          "a directory, sorted by name).");
ABSL_FLAG(std::string, scenario, "",
          "RE2 pattern: run only the scenarios whose name contains a match.");
ABSL_FLAG(std::vector<std::string>, serve, {},
          "Comma-separated serve commands: 'role=command' for one role, a "
          "bare 'command' for every role. Arguments follow the program, "
          "separated by spaces.");
ABSL_FLAG(std::vector<std::string>, platform, {},
          "Comma-separated 'role=name': the platform sent in initialize "
          "(default cpp).");
ABSL_FLAG(absl::Duration, process_init_delay, absl::Seconds(1),
          "Pause after starting each process (Harmony's "
          "processInitializationDelayMs).");
ABSL_FLAG(bool, send_tables, false,
          "Send step tables as \"Table\" in executeStep (Harmony never "
          "does).");
ABSL_FLAG(bool, run_windows_scenarios, false,
          "Run scenarios tagged @windows too.");
ABSL_FLAG(std::string, run_unrouted_in, "",
          "Run scenarios that Harmony skips because no step names a process, "
          "all their steps in one process of this name.");

namespace zerobuffer::harmony {
namespace {

// Where `bazel run` was typed; paths the user gave are relative to it.
std::string UserWorkingDirectory() {
  const char* directory = std::getenv("BUILD_WORKING_DIRECTORY");
  return directory != nullptr ? directory : "";
}

int Run() {
  const std::string working_directory = UserWorkingDirectory();
  absl::StatusOr<std::vector<std::string>> files =
      FeatureFiles(absl::GetFlag(FLAGS_features), working_directory);
  absl::StatusOr<std::map<std::string, std::vector<std::string>>> commands =
      ServeCommands(absl::GetFlag(FLAGS_serve), working_directory);
  absl::StatusOr<std::map<std::string, std::string>> platforms =
      Platforms(absl::GetFlag(FLAGS_platform));
  const RE2 filter(absl::GetFlag(FLAGS_scenario));
  for (const absl::Status& status :
       {files.status(), commands.status(), platforms.status()}) {
    if (!status.ok()) {
      absl::FPrintF(stderr, "harmony_runner: %s\n", status.message());
      return 2;
    }
  }
  if (!filter.ok()) {
    absl::FPrintF(stderr, "harmony_runner: bad --scenario pattern: %s\n",
                  filter.error());
    return 2;
  }

  RunnerOptions options;
  options.serve_commands = *commands;
  options.platforms = *platforms;
  options.process_init_delay = absl::GetFlag(FLAGS_process_init_delay);
  options.send_tables = absl::GetFlag(FLAGS_send_tables);
  options.skip_windows_scenarios = !absl::GetFlag(FLAGS_run_windows_scenarios);
  if (const std::string unrouted = absl::GetFlag(FLAGS_run_unrouted_in);
      !unrouted.empty()) {
    options.unrouted_process = unrouted;
  }

  Tally tally;
  for (const std::string& file : *files) {
    absl::StatusOr<Feature> feature = ParseFeatureFile(file);
    if (!feature.ok()) {
      absl::PrintF("%s", FormatFeatureError(file, feature.status()));
      tally.CountFeatureError();
      continue;
    }
    for (const Scenario* scenario : SelectScenarios(*feature, filter)) {
      const ScenarioResult result = RunScenario(*feature, *scenario, options);
      absl::PrintF("%s", FormatScenarioResult(result));
      std::fflush(stdout);
      tally.Count(result.outcome);
    }
  }
  absl::PrintF("%s", tally.Summary());
  return tally.ExitCode();
}

}  // namespace
}  // namespace zerobuffer::harmony

int main(int argc, char** argv) {
  zerobuffer::serve::SetHelpUsage(
      __FILE__,
      "Runs Gherkin feature files against Harmony step servers the way the "
      "Harmony orchestrator does.");
  absl::ParseCommandLine(argc, argv);
  return zerobuffer::harmony::Run();
}
