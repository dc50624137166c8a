#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "platform/posix_errors.h"
#include "platform/posix_pid.h"
#include "platform/process.h"

namespace zerobuffer::platform {
namespace {

// A zombie has exited but not been reaped: it holds no mappings any more.
// Linux reports the state as the field after the parenthesised command name
// in /proc/<pid>/stat; elsewhere we cannot tell and say "not a zombie".
// Readers and writers ask on their wait paths, so this allocates nothing:
// the state lies within the first bytes (a PID, a command name of at most
// 15 characters), and the later fields are numbers, so the last ')' in what
// was read still ends the command name.
bool IsZombie(ProcessId pid) {
  char path[48];
  absl::SNPrintF(path, sizeof(path), "/proc/%d/stat", pid);
  const int descriptor = open(path, O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) return false;
  char stat[256];
  ssize_t length;
  do {
    length = read(descriptor, stat, sizeof(stat));
  } while (length < 0 && errno == EINTR);
  close(descriptor);
  if (length <= 0) return false;
  const std::string_view line(stat, static_cast<size_t>(length));
  const size_t name_end = line.rfind(')');
  return name_end != std::string_view::npos && name_end + 2 < line.size() &&
         line[name_end + 2] == 'Z';
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
