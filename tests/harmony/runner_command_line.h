// What harmony_runner's flags mean: the feature files to run, the serve
// command of each role, the platform names, and the scenarios the
// --scenario filter selects. Kept apart from main so that it can be tested.

#ifndef ZEROBUFFER_TESTS_HARMONY_RUNNER_COMMAND_LINE_H_
#define ZEROBUFFER_TESTS_HARMONY_RUNNER_COMMAND_LINE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "re2/re2.h"
#include "tests/harmony/gherkin.h"

namespace zerobuffer::harmony {

// `path` as the user meant it: relative paths are relative to
// `working_directory` (where `bazel run` was typed), when that is set.
std::string ResolveUserPath(const std::string& path,
                            const std::string& working_directory);

// --features: files as given, and for a directory every *.feature in it,
// sorted by name. kInvalidArgument when nothing is left, kNotFound when a
// directory cannot be listed.
absl::StatusOr<std::vector<std::string>> FeatureFiles(
    const std::vector<std::string>& entries,
    const std::string& working_directory);

// --serve: "role=command" for one role, a bare "command" for every role
// (key "*"). Arguments follow the program, separated by spaces. A
// command's own arguments may contain '=', so only a plain word before the
// first '=' names a role. kInvalidArgument for an empty list or command.
absl::StatusOr<std::map<std::string, std::vector<std::string>>> ServeCommands(
    const std::vector<std::string>& entries,
    const std::string& working_directory);

// --platform: "role=name" entries.
absl::StatusOr<std::map<std::string, std::string>> Platforms(
    const std::vector<std::string>& entries);

// The scenarios of `feature` whose name contains a match of `filter`, in
// file order.
std::vector<const Scenario*> SelectScenarios(const Feature& feature,
                                             const RE2& filter);

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_RUNNER_COMMAND_LINE_H_
