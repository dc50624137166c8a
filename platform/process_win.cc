#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>

#include <cstdlib>
#include <string>

#include "platform/process.h"
#include "platform/win32_errors.h"

namespace zerobuffer::platform {

ProcessId CurrentProcessId() {
  return static_cast<ProcessId>(GetCurrentProcessId());
}

bool IsProcessAlive(ProcessId pid) {
  if (pid == 0 || pid > static_cast<ProcessId>(MAXDWORD)) return false;
  const HANDLE process =
      OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE,
                  static_cast<DWORD>(pid));
  if (process == nullptr) {
    // Access is denied only to a process that exists (another user's, or a
    // protected one); a missing PID fails with ERROR_INVALID_PARAMETER.
    return GetLastError() == ERROR_ACCESS_DENIED;
  }
  // An exited process stays openable while anyone holds a handle to it, but
  // it is signaled: the counterpart of a POSIX zombie.
  const bool alive = WaitForSingleObject(process, 0) == WAIT_TIMEOUT;
  CloseHandle(process);
  return alive;
}

absl::StatusOr<std::string> CurrentExecutablePath() {
  // Long enough for \\?\ paths; a shorter buffer would silently truncate.
  std::wstring path(32768, L'\0');
  const DWORD length =
      GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
  if (length == 0 || length >= path.size()) {
    return win32::Win32Error(GetLastError(), "GetModuleFileNameW");
  }
  path.resize(length);
  return win32::Narrow(path);
}

void DieAbruptly() {
  // 137 is what a POSIX parent sees for SIGKILL (128 + 9), so harnesses can
  // expect the same exit code everywhere.
  TerminateProcess(GetCurrentProcess(), 137);
  std::abort();  // Unreachable unless TerminateProcess failed.
}

}  // namespace zerobuffer::platform
