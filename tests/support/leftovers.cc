#include "tests/support/leftovers.h"

#include <filesystem>
#include <optional>
#include <system_error>

#include "absl/status/statusor.h"
#include "platform/paths.h"
#include "platform/shared_memory.h"
#include "steps/support/buffer_objects.h"
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

std::string Normalised(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
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

std::vector<std::string> ObjectPaths(const std::string& name) {
  std::vector<std::string> paths;
  for (const steps::BufferObject& object : steps::ObjectsOf(name)) {
    if (object.path.has_value()) paths.push_back(Normalised(*object.path));
  }
  return paths;
}

DirectorySnapshot SnapshotObjectDirectories() {
  DirectorySnapshot snapshot;
  for (const std::string& directory : ObjectDirectories()) {
    for (const std::string& watched :
         {directory, std::filesystem::path(directory).parent_path().string()}) {
      const absl::StatusOr<std::vector<std::string>> files =
          platform::ListFiles(watched, "");
      std::set<std::string>& names = snapshot[watched];
      if (files.ok()) names.insert(files->begin(), files->end());
    }
  }
  return snapshot;
}

std::vector<std::string> NewFiles(const DirectorySnapshot& before,
                                  const DirectorySnapshot& after) {
  std::vector<std::string> added;
  for (const auto& [directory, names] : after) {
    const auto earlier = before.find(directory);
    for (const std::string& name : names) {
      if (earlier == before.end() || !earlier->second.contains(name)) {
        added.push_back(platform::JoinPath(directory, name));
      }
    }
  }
  return added;
}

}  // namespace zerobuffer::testing
