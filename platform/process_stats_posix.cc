#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "platform/process_stats.h"

namespace zerobuffer::platform {
namespace {

// /proc/<pid>/stat numbers its fields from 1; the command name (field 2)
// is parenthesised and may itself hold spaces and parentheses, so fields
// are counted from the last ')'. The first field after it is field 3.
constexpr size_t kFirstFieldAfterName = 3;
constexpr size_t kUserTimeField = 14;
constexpr size_t kSystemTimeField = 15;

std::string ProcPath(ProcessId pid, const char* entry) {
  return absl::StrCat("/proc/", pid, "/", entry);
}

absl::Status NoSuchProcess(ProcessId pid) {
  return absl::NotFoundError(absl::StrCat("no process ", pid, " in /proc"));
}

}  // namespace

absl::StatusOr<absl::Duration> ProcessCpuTime(ProcessId pid) {
  const std::string path = ProcPath(pid, "stat");
  std::ifstream stat_file(path);
  std::string line;
  if (!std::getline(stat_file, line)) return NoSuchProcess(pid);
  const size_t name_end = line.rfind(')');
  if (name_end == std::string::npos) {
    return absl::DataLossError(absl::StrCat("unexpected ", path, ": ", line));
  }
  const std::vector<std::string> fields =
      absl::StrSplit(line.substr(name_end + 1), ' ', absl::SkipWhitespace());
  uint64_t user_ticks = 0;
  uint64_t system_ticks = 0;
  if (fields.size() <= kSystemTimeField - kFirstFieldAfterName ||
      !absl::SimpleAtoi(fields[kUserTimeField - kFirstFieldAfterName],
                        &user_ticks) ||
      !absl::SimpleAtoi(fields[kSystemTimeField - kFirstFieldAfterName],
                        &system_ticks)) {
    return absl::DataLossError(
        absl::StrCat("no CPU times in ", path, ": ", line));
  }
  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0) {
    return absl::ErrnoToStatus(errno, "sysconf(_SC_CLK_TCK)");
  }
  return absl::Seconds(1) * static_cast<double>(user_ticks + system_ticks) /
         static_cast<double>(ticks_per_second);
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

}  // namespace zerobuffer::platform
