#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/semaphore.h"
#include "platform/win32_errors.h"

namespace zerobuffer::platform {
namespace {

// The maximum count every implementation uses (C#'s int.MaxValue), and the
// POSIX SEM_VALUE_MAX on Linux.
constexpr LONG kMaxCount = 0x7FFFFFFF;

// INFINITE is 0xFFFFFFFF, so the longest finite wait is one millisecond
// less: about 49.7 days.
constexpr DWORD kMaxFiniteWaitMs = INFINITE - 1;

}  // namespace

// `permissions` is ignored: Win32 objects carry ACLs, not mode bits, and the
// creator's default DACL is what the other implementations use too.
absl::StatusOr<NamedSemaphore> NamedSemaphore::CreateExclusive(
    const std::string& name, uint32_t initial,
    std::optional<uint32_t> /*permissions*/) {
  if (initial > static_cast<uint32_t>(kMaxCount)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "initial semaphore count ", initial, " exceeds ", kMaxCount));
  }
  const absl::StatusOr<std::wstring> object_name =
      win32::ObjectName(name, "semaphore");
  if (!object_name.ok()) return object_name.status();
  const HANDLE sem = CreateSemaphoreW(nullptr, static_cast<LONG>(initial),
                                      kMaxCount, object_name->c_str());
  if (sem == nullptr) {
    return win32::Win32Error(GetLastError(), "CreateSemaphoreW", name);
  }
  // On an existing name Windows hands back a handle to that semaphore
  // instead of failing; closing it leaves the owner's semaphore untouched.
  if (GetLastError() == ERROR_ALREADY_EXISTS) {
    CloseHandle(sem);
    return win32::Win32Error(ERROR_ALREADY_EXISTS, "CreateSemaphoreW", name);
  }
  return NamedSemaphore(sem);
}

absl::StatusOr<NamedSemaphore> NamedSemaphore::Open(const std::string& name) {
  const absl::StatusOr<std::wstring> object_name =
      win32::ObjectName(name, "semaphore");
  if (!object_name.ok()) return object_name.status();
  const HANDLE sem = OpenSemaphoreW(SYNCHRONIZE | SEMAPHORE_MODIFY_STATE, FALSE,
                                    object_name->c_str());
  if (sem == nullptr) {
    return win32::Win32Error(GetLastError(), "OpenSemaphoreW", name);
  }
  return NamedSemaphore(sem);
}

absl::Status NamedSemaphore::Unlink(const std::string& name) {
  return absl::UnimplementedError(
      absl::StrCat("semaphore \"", name,
                   "\" has no name to remove on Windows: the "
                   "kernel destroys it with its last handle"));
}

std::optional<std::string> NamedSemaphore::FilesystemPath(
    const std::string& /*name*/) {
  return std::nullopt;
}

NamedSemaphore::NamedSemaphore(NamedSemaphore&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

NamedSemaphore& NamedSemaphore::operator=(NamedSemaphore&& other) noexcept {
  if (this != &other) {
    Release();
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

NamedSemaphore::~NamedSemaphore() { Release(); }

void NamedSemaphore::Release() {
  if (handle_ != nullptr) CloseHandle(handle_);
  handle_ = nullptr;
}

absl::Status NamedSemaphore::Post() {
  if (ReleaseSemaphore(handle_, 1, nullptr)) return absl::OkStatus();
  // StatusCodeForWin32Error turns ERROR_TOO_MANY_POSTS into the documented
  // kResourceExhausted.
  return win32::Win32Error(GetLastError(), "ReleaseSemaphore");
}

NamedSemaphore::WaitResult NamedSemaphore::Wait(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration()) {
    return TryWait() ? WaitResult::kAcquired : WaitResult::kTimedOut;
  }
  if (timeout == absl::InfiniteDuration()) {
    return WaitForSingleObject(handle_, INFINITE) == WAIT_OBJECT_0
               ? WaitResult::kAcquired
               : WaitResult::kFailed;
  }
  // Rounded up, so that a sub-millisecond timeout still blocks rather than
  // polls. GetTickCount64 is monotonic, so wall-clock steps cannot stretch
  // or cut the wait.
  const ULONGLONG timeout_ms = static_cast<ULONGLONG>(
      absl::ToInt64Milliseconds(absl::Ceil(timeout, absl::Milliseconds(1))));
  const ULONGLONG deadline = GetTickCount64() + timeout_ms;
  while (true) {
    const ULONGLONG now = GetTickCount64();
    const ULONGLONG remaining = deadline > now ? deadline - now : 0;
    const DWORD slice =
        static_cast<DWORD>(std::min<ULONGLONG>(remaining, kMaxFiniteWaitMs));
    switch (WaitForSingleObject(handle_, slice)) {
      case WAIT_OBJECT_0:
        return WaitResult::kAcquired;
      case WAIT_TIMEOUT:
        // Only a wait longer than one slice needs another round.
        if (remaining <= kMaxFiniteWaitMs) return WaitResult::kTimedOut;
        break;
      default:
        // WAIT_FAILED: the handle is no semaphore we may wait on. (A
        // semaphore cannot be abandoned, so there is no WAIT_ABANDONED.)
        return WaitResult::kFailed;
    }
  }
}

bool NamedSemaphore::TryWait() {
  return WaitForSingleObject(handle_, 0) == WAIT_OBJECT_0;
}

std::optional<int> NamedSemaphore::Value() const { return std::nullopt; }

}  // namespace zerobuffer::platform
