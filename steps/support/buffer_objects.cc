#include "steps/support/buffer_objects.h"

#include <filesystem>
#include <set>
#include <system_error>

#include "absl/cleanup/cleanup.h"
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

// Descriptions of the objects of buffer `name` that exist, or that do not.
std::vector<std::string> Described(const std::string& name, bool existing) {
  std::vector<std::string> described;
  for (const BufferObject& object : ObjectsOf(name)) {
    if (Exists(object) == existing) described.push_back(object.Describe());
  }
  return described;
}

}  // namespace

std::string BufferObject::Describe() const {
  const char* kind_name = kind == Kind::kSegment     ? "segment"
                          : kind == Kind::kSemaphore ? "semaphore"
                                                     : "lock file";
  return absl::StrCat(kind_name, " ", path.value_or(name));
}

std::vector<BufferObject> ObjectsOf(const std::string& name) {
  const BufferObjectNames names = BufferObjectNames::For(name);
  std::vector<BufferObject> objects = {
      {BufferObject::Kind::kSegment, names.segment,
       platform::SharedMemory::FilesystemPath(names.segment)},
      {BufferObject::Kind::kSemaphore, names.write_semaphore,
       platform::NamedSemaphore::FilesystemPath(names.write_semaphore)},
      {BufferObject::Kind::kSemaphore, names.read_semaphore,
       platform::NamedSemaphore::FilesystemPath(names.read_semaphore)},
  };
  for (const std::string& lock : LockFilePaths(name)) {
    objects.push_back({BufferObject::Kind::kLockFile, lock, lock});
  }
  return objects;
}

std::string FilePathOf(const BufferObject& object) {
  if (!object.path.has_value()) {
    throw StepFailure(absl::StrCat(object.Describe(),
                                   " does not show as a file on this "
                                   "platform, so there is nothing to check"));
  }
  return *object.path;
}

bool Exists(const BufferObject& object) {
  if (object.path.has_value()) return platform::FileExists(*object.path);
  // Where segments and semaphores are not files, opening them is the only
  // probe (lock files always are files).
  if (object.kind == BufferObject::Kind::kSegment) {
    return !absl::IsNotFound(
        platform::SharedMemory::Open(object.name).status());
  }
  return !absl::IsNotFound(
      platform::NamedSemaphore::Open(object.name).status());
}

std::vector<std::string> ExistingObjects(const std::string& name) {
  return Described(name, true);
}

std::string ListedOrNone(const std::vector<std::string>& items) {
  return items.empty() ? "none" : absl::StrJoin(items, ", ");
}

absl::Status ExpectAllObjects(const std::string& name,
                              const std::string& when) {
  const std::vector<std::string> missing = Described(name, false);
  if (missing.empty()) return absl::OkStatus();
  return Failed(absl::StrCat(when, ", buffer '", name, "' lacks ",
                             absl::StrJoin(missing, ", ")));
}

absl::Status ExpectNoObjects(const std::string& name, const std::string& when) {
  const std::vector<std::string> left = Described(name, true);
  if (left.empty()) return absl::OkStatus();
  return Failed(absl::StrCat(when, ", buffer '", name, "' still has ",
                             absl::StrJoin(left, ", ")));
}

absl::Status ExpectNothingNaming(const std::string& name,
                                 const std::string& when) {
  if (absl::Status none = ExpectNoObjects(name, when); !none.ok()) return none;
  std::set<std::filesystem::path> directories;
  for (const BufferObject& object : ObjectsOf(name)) {
    directories.insert(std::filesystem::path(FilePathOf(object)).parent_path());
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

absl::Status WithWriteSemaphoreBlocked(const std::string& name,
                                       const std::function<void()>& attempt) {
  const std::optional<std::string> path =
      platform::NamedSemaphore::FilesystemPath(
          BufferObjectNames::For(name).write_semaphore);
  if (!path.has_value()) {
    return Failed(
        "not applicable on this platform: semaphores are not files here, so "
        "nothing can stand in the way of sem-w");
  }
  // The platform layer has no calls that make or remove a bare directory.
  std::error_code error;
  if (!std::filesystem::create_directory(*path, error)) {
    return Failed(absl::StrCat("cannot block ", *path, ": ",
                               error ? error.message() : "it exists already"));
  }
  std::error_code removal;
  {
    absl::Cleanup unblock = [&] { std::filesystem::remove(*path, removal); };
    attempt();
  }
  if (removal || platform::FileExists(*path)) {
    return Failed(absl::StrCat("the obstacle ", *path,
                               " could not be removed: ", removal.message()));
  }
  return absl::OkStatus();
}

}  // namespace zerobuffer::steps
