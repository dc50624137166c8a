#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>
// After windows.h, which it needs; PSAPI_VERSION 2 (the default from
// Windows 7) maps its functions to kernel32, so no psapi.lib is linked.
#include <psapi.h>

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "platform/process_stats.h"
#include "platform/win32_errors.h"

namespace zerobuffer::platform {
namespace {

// FILETIME durations count 100-nanosecond intervals.
absl::Duration FromFileTime(const FILETIME& time) {
  const uint64_t intervals =
      (static_cast<uint64_t>(time.dwHighDateTime) << 32) | time.dwLowDateTime;
  return absl::Nanoseconds(100) * static_cast<int64_t>(intervals);
}

absl::Status NoSuchProcess(ProcessId pid) {
  return absl::NotFoundError(absl::StrCat("no process ", pid));
}

// The process with query rights, or the status to return.
absl::StatusOr<HANDLE> OpenForQuery(ProcessId pid) {
  if (pid == 0 || pid > static_cast<ProcessId>(MAXDWORD)) {
    return NoSuchProcess(pid);
  }
  const HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
                                     static_cast<DWORD>(pid));
  if (process == nullptr) {
    // Read before anything else can overwrite it.
    const DWORD error = GetLastError();
    // OpenProcess says ERROR_INVALID_PARAMETER for a PID no process has.
    if (error == ERROR_INVALID_PARAMETER) return NoSuchProcess(pid);
    return win32::Win32Error(error, "OpenProcess", absl::StrCat(pid));
  }
  return process;
}

}  // namespace

absl::StatusOr<absl::Duration> ProcessCpuTime(ProcessId pid) {
  absl::StatusOr<HANDLE> process = OpenForQuery(pid);
  if (!process.ok()) return process.status();
  FILETIME created, exited, kernel, user;
  const bool ok = GetProcessTimes(*process, &created, &exited, &kernel, &user);
  const DWORD error = GetLastError();
  CloseHandle(*process);
  if (!ok) return win32::Win32Error(error, "GetProcessTimes");
  return FromFileTime(kernel) + FromFileTime(user);
}

absl::StatusOr<int64_t> OpenHandleCount(ProcessId pid) {
  absl::StatusOr<HANDLE> process = OpenForQuery(pid);
  if (!process.ok()) return process.status();
  DWORD count = 0;
  const bool ok = GetProcessHandleCount(*process, &count);
  const DWORD error = GetLastError();
  CloseHandle(*process);
  if (!ok) return win32::Win32Error(error, "GetProcessHandleCount");
  // The handle opened for the query counts when `pid` is this process.
  return pid == CurrentProcessId() ? static_cast<int64_t>(count) - 1
                                   : static_cast<int64_t>(count);
}

absl::StatusOr<uint64_t> ResidentSetBytes(ProcessId pid) {
  absl::StatusOr<HANDLE> process = OpenForQuery(pid);
  if (!process.ok()) return process.status();
  PROCESS_MEMORY_COUNTERS counters{};
  counters.cb = sizeof(counters);
  const bool ok = GetProcessMemoryInfo(*process, &counters, sizeof(counters));
  const DWORD error = GetLastError();
  CloseHandle(*process);
  if (!ok) return win32::Win32Error(error, "GetProcessMemoryInfo");
  return static_cast<uint64_t>(counters.WorkingSetSize);
}

absl::StatusOr<absl::Duration> ThreadCpuTime() {
  // The pseudo handle needs no closing.
  FILETIME created, exited, kernel, user;
  if (!GetThreadTimes(GetCurrentThread(), &created, &exited, &kernel, &user)) {
    return win32::Win32Error(GetLastError(), "GetThreadTimes");
  }
  return FromFileTime(kernel) + FromFileTime(user);
}

}  // namespace zerobuffer::platform
