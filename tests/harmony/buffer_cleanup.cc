#include "tests/harmony/buffer_cleanup.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
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

bool BelongsToSuffix(const std::string& path, const std::string& suffix) {
  const std::string name = FileName(path);
  for (size_t at = name.find(suffix); at != std::string::npos;
       at = name.find(suffix, at + 1)) {
    const size_t end = at + suffix.size();
    if (end == name.size() || !absl::ascii_isdigit(name[end])) return true;
  }
  return false;
}

std::vector<std::string> FindBufferObjects(const std::string& suffix) {
  std::vector<std::string> found;
  for (std::string& path : testing::FindLeftovers(suffix)) {
    if (BelongsToSuffix(path, suffix)) found.push_back(std::move(path));
  }
  std::sort(found.begin(), found.end());
  return found;
}

CleanupReport RemoveBuffersWithSuffix(const std::string& suffix) {
  CleanupReport report;
  report.found = FindBufferObjects(suffix);
  std::set<std::string> buffers;
  for (const std::string& path : report.found) {
    buffers.insert(BufferNameOfObject(path));
  }
  for (const std::string& buffer : buffers) {
    RemoveBufferIfAbandoned(buffer, AbandonmentRule::kReaderAndWriterGone);
  }
  for (const std::string& path : FindBufferObjects(suffix)) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
  report.remaining = FindBufferObjects(suffix);
  return report;
}

}  // namespace zerobuffer::harmony
