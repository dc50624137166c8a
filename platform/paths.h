// Where ZeroBuffer keeps its lock files, and the small file-system helpers
// the lock directories need.

#ifndef ZEROBUFFER_PLATFORM_PATHS_H_
#define ZEROBUFFER_PLATFORM_PATHS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace zerobuffer::platform {

// The directory the upstream C++ and Python implementations use:
// /tmp/zerobuffer on POSIX (fixed, independent of $TMPDIR) and
// %TEMP%\zerobuffer on Windows. Should Windows not say where %TEMP% is, the
// path names that failure in a form every file call rejects, so the first
// use reports it.
std::string PrimaryLockDirectory();

// The directory the upstream C# implementation uses:
// <temp>/zerobuffer/locks, where <temp> is $TMPDIR (or /tmp) on POSIX and
// %TEMP% on Windows.
std::string CompatLockDirectory();

// Joins a directory and a file name with the platform separator.
std::string JoinPath(const std::string& directory, const std::string& file);

// Creates `path` and its missing parents. On POSIX the directories it
// creates get mode 01777, as /tmp has: every user may add lock files, only a
// file's owner may remove it. On Windows they inherit the ACL of the
// per-user %TEMP%. Existing directories are left as they are.
absl::Status EnsureDirectory(const std::string& path);

// Names (not paths) of the regular files in `directory` whose names end in
// `suffix`. A missing directory yields an empty list.
absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& directory,
                                                   const std::string& suffix);

bool FileExists(const std::string& path);

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_PATHS_H_
