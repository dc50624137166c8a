#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/file_lock.h"
#include "platform/win32_errors.h"

namespace zerobuffer::platform {
namespace {

bool IsMissing(DWORD error) {
  return error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND;
}

// Whether opening the lock file failed because someone has it: share mode 0
// makes every other open fail with a sharing violation, and a file whose
// delete-on-close owner has gone, while some other handle (a probe, a virus
// scanner) still keeps it, is "delete pending", which opens report as
// ERROR_ACCESS_DENIED. That error can also be a real lack of rights; either
// way the file is not free to take, and treating it as held never removes
// a live owner's lock.
bool IsHeldByOther(DWORD error) {
  return error == ERROR_SHARING_VIOLATION || error == ERROR_ACCESS_DENIED;
}

}  // namespace

// `permissions` is ignored: Win32 files carry ACLs, not mode bits, and the
// file inherits its directory's, which sits in the per-user %TEMP%.
absl::StatusOr<FileLock> FileLock::Acquire(
    const std::string& path, std::optional<uint32_t> /*permissions*/) {
  const absl::StatusOr<std::wstring> wide_path = win32::FilePath(path);
  if (!wide_path.ok()) return wide_path.status();
  // Share mode 0 is the lock. Without FILE_SHARE_DELETE nobody can delete or
  // rename the file while we hold it, so unlike flock there is no race with
  // a stale cleaner to re-check. Delete-on-close makes the file vanish with
  // the last handle, even when the process dies.
  const HANDLE file = CreateFileW(
      wide_path->c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_ALWAYS,
      FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
  if (file == INVALID_HANDLE_VALUE) {
    const DWORD error = GetLastError();
    if (IsHeldByOther(error)) {
      return absl::UnavailableError(absl::StrCat(
          "lock file ", path, " is held by another process or being deleted (",
          win32::Win32Error(error, "CreateFileW").message(), ")"));
    }
    return win32::Win32Error(error, "CreateFileW", path);
  }
  return FileLock(path, reinterpret_cast<intptr_t>(file));
}

absl::StatusOr<bool> FileLock::IsHeld(const std::string& path) {
  const absl::StatusOr<std::wstring> wide_path = win32::FilePath(path);
  if (!wide_path.ok()) return wide_path.status();
  // No delete-on-close here: a probe must not remove the file it finds free.
  const HANDLE file =
      CreateFileW(wide_path->c_str(), GENERIC_READ, 0, nullptr, OPEN_EXISTING,
                  FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) {
    const DWORD error = GetLastError();
    if (IsHeldByOther(error)) return true;
    if (IsMissing(error)) return false;
    return win32::Win32Error(error, "CreateFileW", path);
  }
  CloseHandle(file);
  return false;
}

FileLock::FileLock(FileLock&& other) noexcept
    : path_(std::move(other.path_)),
      handle_(std::exchange(other.handle_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    Release();
    path_ = std::move(other.path_);
    handle_ = std::exchange(other.handle_, -1);
  }
  return *this;
}

FileLock::~FileLock() { Release(); }

void FileLock::Release() {
  if (handle_ == -1) return;
  // Delete-on-close removes the file as the handle, and with it the lock,
  // goes away.
  CloseHandle(reinterpret_cast<HANDLE>(handle_));
  handle_ = -1;
}

}  // namespace zerobuffer::platform
