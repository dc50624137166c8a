#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "platform/posix_errors.h"
#include "platform/posix_pid.h"
#include "platform/process_stats.h"

namespace zerobuffer::platform {
namespace {

std::string ProcPath(ProcessId pid, const char* entry) {
  return absl::StrCat("/proc/", pid, "/", entry);
}

absl::Status NoSuchProcess(ProcessId pid) {
  return absl::NotFoundError(absl::StrCat("no process ", pid));
}

}  // namespace

absl::StatusOr<absl::Duration> ProcessCpuTime(ProcessId pid) {
  const std::optional<pid_t> posix_pid = posix::ToPosixPid(pid);
  if (!posix_pid.has_value()) return NoSuchProcess(pid);
  // The process's CPU-time clock: the scheduler's nanosecond count for all
  // its threads, those that have ended included. /proc/<pid>/stat offers
  // only 10 ms ticks, too coarse to tell a blocked reader from an idle one.
  clockid_t clock;
  const int error = clock_getcpuclockid(*posix_pid, &clock);
  if (error == ESRCH) return NoSuchProcess(pid);
  if (error != 0) {
    return posix::ErrnoError(error, "clock_getcpuclockid", absl::StrCat(pid));
  }
  timespec used;
  if (clock_gettime(clock, &used) != 0) {
    // The process ended since the clock was looked up.
    if (errno == EINVAL) return NoSuchProcess(pid);
    return posix::ErrnoError(errno, "clock_gettime",
                             absl::StrCat("CPU clock of process ", pid));
  }
  return absl::DurationFromTimespec(used);
}

absl::StatusOr<int64_t> OpenHandleCount(ProcessId pid) {
  std::error_code error;
  std::filesystem::directory_iterator entries(ProcPath(pid, "fd"), error);
  if (error == std::errc::no_such_file_or_directory) return NoSuchProcess(pid);
  if (error) {
    return absl::ErrnoToStatus(error.value(),
                               absl::StrCat("listing ", ProcPath(pid, "fd")));
  }
  int64_t count = 0;
  for (; entries != std::filesystem::directory_iterator();
       entries.increment(error)) {
    ++count;
  }
  if (error) {
    return absl::ErrnoToStatus(error.value(),
                               absl::StrCat("listing ", ProcPath(pid, "fd")));
  }
  // Listing the directory opened one descriptor of our own.
  return pid == CurrentProcessId() ? count - 1 : count;
}

absl::StatusOr<uint64_t> ResidentSetBytes(ProcessId pid) {
  // statm counts pages: total program size, then resident.
  std::ifstream statm(ProcPath(pid, "statm"));
  if (!statm.is_open()) return NoSuchProcess(pid);
  uint64_t size_pages = 0;
  uint64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) {
    return absl::InternalError(
        absl::StrCat("cannot parse ", ProcPath(pid, "statm")));
  }
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

absl::StatusOr<absl::Duration> ThreadCpuTime() {
  timespec used;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &used) != 0) {
    return absl::ErrnoToStatus(errno, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
  }
  return absl::DurationFromTimespec(used);
}

}  // namespace zerobuffer::platform
