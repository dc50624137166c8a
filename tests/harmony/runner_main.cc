// harmony_runner: runs feature files against serve processes the way the
// Harmony orchestrator does, one scenario at a time, and prints one line
// per scenario and a summary. Exits 0 only if no scenario failed.
//
//   bazel run //tests/harmony:harmony_runner -- --features=$PWD/tests/features
//       --serve=$PWD/bazel-bin/serve/serve

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "re2/re2.h"
#include "tests/harmony/gherkin.h"
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

// `bazel run` starts us in the runfiles tree; paths the user typed are
// relative to where they typed them.
std::string FromUser(const std::string& path) {
  const char* working_directory = std::getenv("BUILD_WORKING_DIRECTORY");
  if (working_directory == nullptr || path.empty() ||
      std::filesystem::path(path).is_absolute()) {
    return path;
  }
  return (std::filesystem::path(working_directory) / path).string();
}

absl::StatusOr<std::vector<std::string>> FeatureFiles(
    const std::vector<std::string>& entries) {
  std::vector<std::string> files;
  for (const std::string& entry : entries) {
    const std::string path = FromUser(entry);
    std::error_code error;
    if (!std::filesystem::is_directory(path, error)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& file : std::filesystem::directory_iterator(path, error)) {
      if (file.path().extension() == ".feature") {
        found.push_back(file.path().string());
      }
    }
    if (error) {
      return absl::NotFoundError(
          absl::StrCat("cannot list ", path, ": ", error.message()));
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  if (files.empty()) return absl::InvalidArgumentError("no feature files");
  return files;
}

// "role=command" or a bare command. A command's own arguments may contain
// '=', so only a plain word before the first '=' names a role.
absl::StatusOr<std::map<std::string, std::vector<std::string>>> ServeCommands(
    const std::vector<std::string>& entries) {
  static const RE2 kRoleEntry(R"((\w+)=(.*))");
  std::map<std::string, std::vector<std::string>> commands;
  for (const std::string& entry : entries) {
    std::string role = "*";
    std::string command = entry;
    RE2::FullMatch(entry, kRoleEntry, &role, &command);
    std::vector<std::string> argv =
        absl::StrSplit(command, ' ', absl::SkipEmpty());
    if (argv.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--serve entry without a command: '", entry, "'"));
    }
    argv[0] = FromUser(argv[0]);
    commands[role] = argv;
  }
  if (commands.empty()) {
    return absl::InvalidArgumentError("--serve is required");
  }
  return commands;
}

absl::StatusOr<std::map<std::string, std::string>> Platforms(
    const std::vector<std::string>& entries) {
  std::map<std::string, std::string> platforms;
  for (const std::string& entry : entries) {
    std::vector<std::string> parts =
        absl::StrSplit(entry, absl::MaxSplits('=', 1));
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--platform entry is not 'role=name': '", entry, "'"));
    }
    platforms[parts[0]] = parts[1];
  }
  return platforms;
}

std::string Seconds(absl::Duration duration) {
  return absl::StrFormat("%.2f s", absl::ToDoubleSeconds(duration));
}

void Print(const ScenarioResult& result) {
  const std::string name =
      absl::StrCat(result.feature, " :: ", result.scenario);
  switch (result.outcome) {
    case ScenarioResult::Outcome::kPassed:
      std::printf("PASS  %s (%s)\n", name.c_str(),
                  Seconds(result.duration).c_str());
      break;
    case ScenarioResult::Outcome::kSkipped:
      std::printf("SKIP  %s — %s\n", name.c_str(), result.reason.c_str());
      break;
    case ScenarioResult::Outcome::kFailed:
      std::printf("FAIL  %s (%s)\n", name.c_str(),
                  Seconds(result.duration).c_str());
      if (!result.steps.empty() && !result.steps.back().passed) {
        const StepResult& step = result.steps.back();
        std::printf("    at line %d: %s\n    %s\n", step.line,
                    step.text.c_str(), step.error.c_str());
      } else {
        std::printf("    %s\n", result.reason.c_str());
      }
      break;
  }
  if (!result.leftovers.empty()) {
    std::printf("    left behind (removed): %s\n",
                absl::StrJoin(result.leftovers, ", ").c_str());
  }
  std::fflush(stdout);
}

int Run() {
  absl::StatusOr<std::vector<std::string>> files =
      FeatureFiles(absl::GetFlag(FLAGS_features));
  absl::StatusOr<std::map<std::string, std::vector<std::string>>> commands =
      ServeCommands(absl::GetFlag(FLAGS_serve));
  absl::StatusOr<std::map<std::string, std::string>> platforms =
      Platforms(absl::GetFlag(FLAGS_platform));
  const RE2 filter(absl::GetFlag(FLAGS_scenario));
  for (const absl::Status& status :
       {files.status(), commands.status(), platforms.status()}) {
    if (!status.ok()) {
      std::fprintf(stderr, "harmony_runner: %s\n",
                   std::string(status.message()).c_str());
      return 2;
    }
  }
  if (!filter.ok()) {
    std::fprintf(stderr, "harmony_runner: bad --scenario pattern: %s\n",
                 filter.error().c_str());
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

  int passed = 0;
  int failed = 0;
  int skipped = 0;
  for (const std::string& file : *files) {
    absl::StatusOr<Feature> feature = ParseFeatureFile(file);
    if (!feature.ok()) {
      std::printf("FAIL  %s\n    %s\n", file.c_str(),
                  std::string(feature.status().message()).c_str());
      ++failed;
      continue;
    }
    for (const Scenario& scenario : feature->scenarios) {
      if (!RE2::PartialMatch(scenario.name, filter)) continue;
      const ScenarioResult result = RunScenario(*feature, scenario, options);
      Print(result);
      switch (result.outcome) {
        case ScenarioResult::Outcome::kPassed:
          ++passed;
          break;
        case ScenarioResult::Outcome::kFailed:
          ++failed;
          break;
        case ScenarioResult::Outcome::kSkipped:
          ++skipped;
          break;
      }
    }
  }
  std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  if (passed + failed + skipped == 0) {
    std::printf("no scenario matched\n");
    return 1;
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace zerobuffer::harmony

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Runs Gherkin feature files against Harmony step servers the way the "
      "Harmony orchestrator does.");
  absl::ParseCommandLine(argc, argv);
  return zerobuffer::harmony::Run();
}
