#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "platform/paths.h"
#include "platform/win32_errors.h"

namespace zerobuffer::platform {
namespace {

// %TMP%, else %TEMP%, %USERPROFILE% or the Windows directory, with a
// trailing backslash. .NET's Path.GetTempPath() prefers GetTempPath2W, which
// answers differently only for processes running as SYSTEM.
//
// Should GetTempPathW fail, the result names the failure in a form no file
// call accepts ('<' and '>' are illegal in Windows file names), so the first
// use of a lock directory reports it instead of quietly falling back to the
// root of the current drive.
std::string TempDirectory() {
  // MAX_PATH + 1 is the longest result GetTempPathW documents.
  wchar_t buffer[MAX_PATH + 1];
  const DWORD length = GetTempPathW(MAX_PATH + 1, buffer);
  if (length == 0 || length > MAX_PATH + 1) {
    const DWORD error = length == 0 ? GetLastError() : ERROR_BUFFER_OVERFLOW;
    return absl::StrCat(
        "<no temp directory, GetTempPathW failed with Win32 "
        "error ",
        error, ">");
  }
  return win32::Narrow(std::wstring_view(buffer, length));
}

// Creates `path` and its missing parents. Climbing only on
// ERROR_PATH_NOT_FOUND never touches existing ancestors, so drive roots and
// UNC shares need no parsing.
absl::Status CreateDirectories(const std::string& path) {
  const absl::StatusOr<std::wstring> wide_path = win32::FilePath(path);
  if (!wide_path.ok()) return wide_path.status();
  if (CreateDirectoryW(wide_path->c_str(), nullptr)) return absl::OkStatus();
  DWORD error = GetLastError();
  if (error == ERROR_ALREADY_EXISTS) return absl::OkStatus();
  const size_t separator = path.find_last_of("\\/");
  if (error != ERROR_PATH_NOT_FOUND || separator == std::string::npos ||
      separator == 0) {
    return win32::Win32Error(error, "CreateDirectoryW", path);
  }
  if (absl::Status parent = CreateDirectories(path.substr(0, separator));
      !parent.ok()) {
    return parent;
  }
  if (CreateDirectoryW(wide_path->c_str(), nullptr)) return absl::OkStatus();
  error = GetLastError();
  if (error == ERROR_ALREADY_EXISTS) return absl::OkStatus();
  return win32::Win32Error(error, "CreateDirectoryW", path);
}

}  // namespace

std::string PrimaryLockDirectory() {
  return JoinPath(TempDirectory(), "zerobuffer");
}

std::string CompatLockDirectory() {
  return JoinPath(PrimaryLockDirectory(), "locks");
}

std::string JoinPath(const std::string& directory, const std::string& file) {
  if (directory.empty()) return file;
  if (absl::EndsWith(directory, "\\") || absl::EndsWith(directory, "/")) {
    return absl::StrCat(directory, file);
  }
  return absl::StrCat(directory, "\\", file);
}

// Unlike on POSIX the directory keeps the ACL it inherits: %TEMP% is per
// user on Windows, so there is no shared directory to open up.
absl::Status EnsureDirectory(const std::string& path) {
  const absl::StatusOr<std::wstring> wide_path = win32::FilePath(path);
  if (!wide_path.ok()) return wide_path.status();
  if (absl::Status created = CreateDirectories(path); !created.ok()) {
    return created;
  }
  // ERROR_ALREADY_EXISTS is also what a plain file of that name gives.
  const DWORD attributes = GetFileAttributesW(wide_path->c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES ||
      (attributes & FILE_ATTRIBUTE_DIRECTORY) == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " exists but is not a directory"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& directory,
                                                   const std::string& suffix) {
  std::vector<std::string> names;
  const absl::StatusOr<std::wstring> pattern =
      win32::FilePath(JoinPath(directory, "*"));
  if (!pattern.ok()) return pattern.status();
  WIN32_FIND_DATAW entry;
  const HANDLE find = FindFirstFileW(pattern->c_str(), &entry);
  if (find == INVALID_HANDLE_VALUE) {
    const DWORD error = GetLastError();
    // ERROR_FILE_NOT_FOUND: nothing matched, as in an empty drive root.
    if (error == ERROR_PATH_NOT_FOUND || error == ERROR_FILE_NOT_FOUND) {
      return names;
    }
    return win32::Win32Error(error, "FindFirstFileW", directory);
  }
  do {
    // Reparse points (symbolic links, junctions) are skipped as lstat's
    // S_ISREG does on POSIX.
    if ((entry.dwFileAttributes &
         (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)) != 0) {
      continue;
    }
    std::string name = win32::Narrow(entry.cFileName);
    if (absl::EndsWith(name, suffix)) names.push_back(std::move(name));
  } while (FindNextFileW(find, &entry));
  const DWORD error = GetLastError();
  FindClose(find);
  if (error != ERROR_NO_MORE_FILES) {
    return win32::Win32Error(error, "FindNextFileW", directory);
  }
  return names;
}

bool FileExists(const std::string& path) {
  const absl::StatusOr<std::wstring> wide_path = win32::FilePath(path);
  return wide_path.ok() &&
         GetFileAttributesW(wide_path->c_str()) != INVALID_FILE_ATTRIBUTES;
}

}  // namespace zerobuffer::platform
