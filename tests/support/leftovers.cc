#include "tests/support/leftovers.h"

#include <filesystem>
#include <system_error>

#include "platform/shared_memory.h"
#include "zerobuffer/names.h"

namespace zerobuffer::testing {
namespace {

std::vector<std::string> ObjectDirectories() {
  std::vector<std::string> directories = LockDirectories();
  // Segments and semaphores share one directory where they are files.
  const std::optional<std::string> segment_path =
      platform::SharedMemory::FilesystemPath("probe");
  if (segment_path.has_value()) {
    directories.push_back(
        std::filesystem::path(*segment_path).parent_path().string());
  }
  return directories;
}

}  // namespace

std::vector<std::string> FindLeftovers(const std::string& marker) {
  std::vector<std::string> found;
  for (const std::string& directory : ObjectDirectories()) {
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator(directory, error)) {
      if (entry.path().filename().string().find(marker) != std::string::npos) {
        found.push_back(entry.path().string());
      }
    }
  }
  return found;
}

std::vector<std::string> RemoveLeftovers(const std::string& marker) {
  std::vector<std::string> removed = FindLeftovers(marker);
  for (const std::string& path : removed) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
  return removed;
}

}  // namespace zerobuffer::testing
