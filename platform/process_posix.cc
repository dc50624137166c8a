#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "platform/posix_errors.h"
#include "platform/posix_pid.h"
#include "platform/process.h"

namespace zerobuffer::platform {
namespace {

// A zombie has exited but not been reaped: it holds no mappings any more.
// Linux reports the state as the field after the parenthesised command name
// in /proc/<pid>/stat; elsewhere we cannot tell and say "not a zombie".
bool IsZombie(ProcessId pid) {
  std::ifstream stat_file(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat_line;
  if (!std::getline(stat_file, stat_line)) return false;
  const size_t name_end = stat_line.rfind(')');
  return name_end != std::string::npos && name_end + 2 < stat_line.size() &&
         stat_line[name_end + 2] == 'Z';
}

}  // namespace

ProcessId CurrentProcessId() { return static_cast<ProcessId>(getpid()); }

bool IsProcessAlive(ProcessId pid) {
  const std::optional<pid_t> posix_pid = posix::ToPosixPid(pid);
  if (!posix_pid.has_value()) return false;
  if (kill(*posix_pid, 0) != 0 && errno != EPERM) return false;
  return !IsZombie(pid);
}

absl::StatusOr<std::string> CurrentExecutablePath() {
  // readlink truncates silently; a result that fills the buffer may have
  // been cut, so try again with more room.
  std::string path(256, '\0');
  while (true) {
    const ssize_t length = readlink("/proc/self/exe", path.data(), path.size());
    if (length < 0) {
      return posix::ErrnoError(errno, "readlink", "/proc/self/exe");
    }
    if (static_cast<size_t>(length) < path.size()) {
      path.resize(static_cast<size_t>(length));
      return path;
    }
    path.resize(path.size() * 2);
  }
}

void DieAbruptly() {
  kill(getpid(), SIGKILL);
  _exit(137);  // Unreachable unless SIGKILL could not be sent.
}

}  // namespace zerobuffer::platform
