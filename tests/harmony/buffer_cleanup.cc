#include "tests/harmony/buffer_cleanup.h"

#include <filesystem>
#include <optional>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "platform/semaphore.h"
#include "tests/support/leftovers.h"
#include "zerobuffer/names.h"
#include "zerobuffer/stale_cleanup.h"

namespace zerobuffer::harmony {
namespace {

std::string FileName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

// The file-name prefix of a buffer's semaphore files ("sem.sem-w-" on
// Linux), taken from the platform so that the decoration is not repeated
// here.
std::vector<std::string> SemaphoreFilePrefixes() {
  const BufferObjectNames names = BufferObjectNames::For("");
  std::vector<std::string> prefixes;
  for (const std::string& semaphore :
       {names.write_semaphore, names.read_semaphore}) {
    if (std::optional<std::string> path =
            platform::NamedSemaphore::FilesystemPath(semaphore)) {
      prefixes.push_back(FileName(*path));
    }
  }
  return prefixes;
}

}  // namespace

std::string IsolationSuffix(platform::ProcessId host_pid, int feature_id) {
  return absl::StrCat("_", host_pid, "_", feature_id);
}

std::string BufferNameOfObject(const std::string& path) {
  std::string name = FileName(path);
  for (const std::string& prefix : SemaphoreFilePrefixes()) {
    if (absl::StartsWith(name, prefix)) return name.substr(prefix.size());
  }
  if (absl::EndsWith(name, kLockFileSuffix)) {
    name.resize(name.size() - std::string(kLockFileSuffix).size());
  }
  return name;
}

CleanupReport RemoveBuffersWithSuffix(const std::string& suffix) {
  CleanupReport report;
  // The suffix of feature 1 is also inside that of features 10-19. Only
  // earlier scenarios of this same run use those names, and their debris
  // is ours to remove as well.
  report.found = testing::FindLeftovers(suffix);
  std::set<std::string> buffers;
  for (const std::string& path : report.found) {
    buffers.insert(BufferNameOfObject(path));
  }
  for (const std::string& buffer : buffers) {
    RemoveBufferIfAbandoned(buffer, AbandonmentRule::kReaderAndWriterGone);
  }
  testing::RemoveLeftovers(suffix);
  report.remaining = testing::FindLeftovers(suffix);
  return report;
}

}  // namespace zerobuffer::harmony
