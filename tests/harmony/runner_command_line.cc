#include "tests/harmony/runner_command_line.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace zerobuffer::harmony {

std::string ResolveUserPath(const std::string& path,
                            const std::string& working_directory) {
  if (working_directory.empty() || path.empty() ||
      std::filesystem::path(path).is_absolute()) {
    return path;
  }
  return (std::filesystem::path(working_directory) / path).string();
}

absl::StatusOr<std::vector<std::string>> FeatureFiles(
    const std::vector<std::string>& entries,
    const std::string& working_directory) {
  std::vector<std::string> files;
  for (const std::string& entry : entries) {
    const std::string path = ResolveUserPath(entry, working_directory);
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

absl::StatusOr<std::map<std::string, std::vector<std::string>>> ServeCommands(
    const std::vector<std::string>& entries,
    const std::string& working_directory) {
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
    argv[0] = ResolveUserPath(argv[0], working_directory);
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

std::vector<const Scenario*> SelectScenarios(const Feature& feature,
                                             const RE2& filter) {
  std::vector<const Scenario*> selected;
  for (const Scenario& scenario : feature.scenarios) {
    if (RE2::PartialMatch(scenario.name, filter)) selected.push_back(&scenario);
  }
  return selected;
}

}  // namespace zerobuffer::harmony
