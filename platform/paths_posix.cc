#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "platform/paths.h"
#include "platform/posix_errors.h"

namespace zerobuffer::platform {

std::string PrimaryLockDirectory() { return "/tmp/zerobuffer"; }

std::string CompatLockDirectory() {
  // .NET's Path.GetTempPath() on Unix: $TMPDIR if set, else /tmp.
  const char* tmpdir = std::getenv("TMPDIR");
  std::string temp = (tmpdir != nullptr && *tmpdir != '\0') ? tmpdir : "/tmp";
  while (!temp.empty() && temp.back() == '/') temp.pop_back();
  return absl::StrCat(temp, "/zerobuffer/locks");
}

std::string JoinPath(const std::string& directory, const std::string& file) {
  if (directory.empty()) return file;
  if (absl::EndsWith(directory, "/")) return absl::StrCat(directory, file);
  return absl::StrCat(directory, "/", file);
}

absl::Status EnsureDirectory(const std::string& path) {
  // Lock directories are shared by all users, and like /tmp they carry the
  // sticky bit: anyone may add a lock file, but only its owner (or the
  // directory's) may remove or replace it, so no other user can pull the
  // lock file out from under a live owner. The price: a crashed owner's
  // lock file waits for a stale cleaner of the same user.
  constexpr mode_t kSharedDirectoryMode = 01777;
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (mkdir(prefix.c_str(), kSharedDirectoryMode) == 0) {
      // mkdir applies the umask (and may drop the sticky bit).
      if (chmod(prefix.c_str(), kSharedDirectoryMode) != 0) {
        return posix::ErrnoError(errno, "chmod", prefix);
      }
    } else if (errno != EEXIST) {
      return posix::ErrnoError(errno, "mkdir", prefix);
    }
    if (slash == std::string::npos) break;
  }
  struct stat info;
  if (stat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " exists but is not a directory"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& directory,
                                                   const std::string& suffix) {
  std::vector<std::string> names;
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) return names;
    return posix::ErrnoError(errno, "opendir", directory);
  }
  while (true) {
    // readdir returns null both at the end and on failure; only errno
    // tells them apart.
    errno = 0;
    const dirent* entry = readdir(dir);
    if (entry == nullptr) break;
    const std::string name = entry->d_name;
    if (!absl::EndsWith(name, suffix)) continue;
    struct stat info;
    const std::string path = JoinPath(directory, name);
    if (lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
      names.emplace_back(name);
    }
  }
  const int error = errno;
  closedir(dir);
  if (error != 0) return posix::ErrnoError(error, "readdir", directory);
  return names;
}

bool FileExists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

}  // namespace zerobuffer::platform
