#include "steps/system/buffer_files.h"

#include <filesystem>
#include <optional>
#include <set>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/paths.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "steps/step_failure.h"
#include "zerobuffer/names.h"

namespace zerobuffer::steps {
namespace {

std::string FileOrFail(const std::optional<std::string>& path,
                       const std::string& object) {
  if (!path.has_value()) {
    throw StepFailure(absl::StrCat(object,
                                   " does not show as a file on this "
                                   "platform, so there is nothing to check"));
  }
  return *path;
}

std::vector<std::string> Filter(const std::vector<BufferFile>& files,
                                bool existing) {
  std::vector<std::string> described;
  for (const BufferFile& file : files) {
    if (platform::FileExists(file.path) == existing) {
      described.push_back(file.Describe());
    }
  }
  return described;
}

}  // namespace

std::vector<BufferFile> FilesOf(const std::string& name) {
  const BufferObjectNames names = BufferObjectNames::For(name);
  std::vector<BufferFile> files = {
      {"segment",
       FileOrFail(platform::SharedMemory::FilesystemPath(names.segment),
                  "shared memory")},
      {"semaphore " + names.write_semaphore,
       FileOrFail(
           platform::NamedSemaphore::FilesystemPath(names.write_semaphore),
           "a named semaphore")},
      {"semaphore " + names.read_semaphore,
       FileOrFail(
           platform::NamedSemaphore::FilesystemPath(names.read_semaphore),
           "a named semaphore")},
  };
  for (const std::string& lock : LockFilePaths(name)) {
    files.push_back({"lock file", lock});
  }
  return files;
}

std::vector<std::string> Existing(const std::vector<BufferFile>& files) {
  return Filter(files, true);
}

std::vector<std::string> Missing(const std::vector<BufferFile>& files) {
  return Filter(files, false);
}

absl::Status ExpectAllFiles(const std::string& name, const std::string& when) {
  const std::vector<std::string> missing = Missing(FilesOf(name));
  if (missing.empty()) return absl::OkStatus();
  return Failed(absl::StrCat(when, ", buffer '", name, "' lacks ",
                             absl::StrJoin(missing, ", ")));
}

absl::Status ExpectNoFiles(const std::string& name, const std::string& when) {
  const std::vector<std::string> left = Existing(FilesOf(name));
  if (left.empty()) return absl::OkStatus();
  return Failed(absl::StrCat(when, ", buffer '", name, "' still has ",
                             absl::StrJoin(left, ", ")));
}

absl::Status ExpectNothingNaming(const std::string& name,
                                 const std::string& when) {
  if (absl::Status none = ExpectNoFiles(name, when); !none.ok()) return none;
  std::set<std::filesystem::path> directories;
  for (const BufferFile& file : FilesOf(name)) {
    directories.insert(std::filesystem::path(file.path).parent_path());
  }
  std::vector<std::string> left;
  for (const std::filesystem::path& directory : directories) {
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator(directory, error)) {
      if (absl::StrContains(entry.path().filename().string(), name)) {
        left.push_back(entry.path().string());
      }
    }
  }
  if (left.empty()) return absl::OkStatus();
  return Failed(absl::StrCat(when, ", entries naming '", name,
                             "' remain: ", absl::StrJoin(left, ", ")));
}

}  // namespace zerobuffer::steps
