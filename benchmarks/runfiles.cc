#include "benchmarks/runfiles.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/process.h"

namespace zerobuffer::bench {
namespace {

constexpr char kWorkspace[] = "zerobuffer_cpp";

}  // namespace

std::string RunfilePath(const std::string& path) {
  std::vector<std::string> candidates;
  if (const char* runfiles_dir = std::getenv("RUNFILES_DIR")) {
    candidates.push_back(
        absl::StrCat(runfiles_dir, "/", kWorkspace, "/", path));
  }
  candidates.push_back(path);
  const absl::StatusOr<std::string> self = platform::CurrentExecutablePath();
  if (self.ok()) {
    candidates.push_back(
        absl::StrCat(*self, ".runfiles/", kWorkspace, "/", path));
  }
  for (const std::string& candidate : candidates) {
    std::error_code error;
    if (std::filesystem::is_regular_file(candidate, error)) {
      return std::filesystem::absolute(candidate, error).string();
    }
  }
  throw std::runtime_error(absl::StrCat("runfile ", path, " not found in ",
                                        absl::StrJoin(candidates, ", ")));
}

}  // namespace zerobuffer::bench
