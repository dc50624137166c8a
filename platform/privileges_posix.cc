#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <vector>

#include "absl/strings/str_cat.h"
#include "platform/privileges.h"

namespace zerobuffer::platform {
namespace {

// The first byte the child writes says how its report is to be read.
constexpr char kResult = 'R';        // the task's text follows
constexpr char kSwitchFailed = 'P';  // why the child could not switch
constexpr char kTaskThrew = 'X';     // what the task threw

void WriteAll(int fd, const std::string& text) {
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

// Becomes `user`; on failure, what went wrong.
std::string SwitchTo(const UserIdentity& user) {
  if (geteuid() == user.uid && getegid() == user.gid) return "";
  if (setgroups(0, nullptr) != 0) {
    return absl::StrCat("setgroups: ", std::strerror(errno));
  }
  if (setgid(user.gid) != 0) {
    return absl::StrCat("setgid(", user.gid, "): ", std::strerror(errno));
  }
  if (setuid(user.uid) != 0) {
    return absl::StrCat("setuid(", user.uid, "): ", std::strerror(errno));
  }
  return "";
}

[[noreturn]] void RunChild(int report_fd, const UserIdentity& user,
                           const std::function<std::string()>& task) {
  std::string report;
  const std::string switch_error = SwitchTo(user);
  if (!switch_error.empty()) {
    report = absl::StrCat(std::string(1, kSwitchFailed), switch_error);
  } else {
    try {
      report = absl::StrCat(std::string(1, kResult), task());
    } catch (const std::exception& error) {
      report = absl::StrCat(std::string(1, kTaskThrew), error.what());
    } catch (...) {
      report = absl::StrCat(std::string(1, kTaskThrew),
                            "something that is not a std::exception");
    }
  }
  WriteAll(report_fd, report);
  // No destructors or exit handlers: they belong to the parent's objects.
  _exit(0);
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exit code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("signal ", WTERMSIG(status));
  return absl::StrCat("wait status ", status);
}

int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

absl::StatusOr<UserIdentity> CurrentUser() {
  return UserIdentity{static_cast<uint32_t>(geteuid()),
                      static_cast<uint32_t>(getegid())};
}

absl::StatusOr<UserIdentity> LookupUser(const std::string& name) {
  long suggested = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(suggested > 0 ? static_cast<size_t>(suggested)
                                         : 16384);
  passwd entry;
  passwd* found = nullptr;
  int error;
  while ((error = getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(),
                             &found)) == ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (error != 0) {
    return absl::ErrnoToStatus(error, absl::StrCat("getpwnam_r(", name, ")"));
  }
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrCat("no user account '", name, "'"));
  }
  return UserIdentity{static_cast<uint32_t>(found->pw_uid),
                      static_cast<uint32_t>(found->pw_gid)};
}

absl::StatusOr<FileOwnership> GetFileOwnership(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("stat(", path, ")"));
  }
  return FileOwnership{static_cast<uint32_t>(info.st_uid),
                       static_cast<uint32_t>(info.st_gid),
                       static_cast<uint32_t>(info.st_mode & 07777)};
}

absl::StatusOr<std::string> RunAsUser(const UserIdentity& user,
                                      const std::function<std::string()>& task,
                                      absl::Duration timeout) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return absl::ErrnoToStatus(errno, "pipe2");
  }
  const pid_t pid = fork();
  if (pid < 0) {
    const int error = errno;
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return absl::ErrnoToStatus(error, "fork");
  }
  if (pid == 0) {
    close(pipe_fds[0]);
    RunChild(pipe_fds[1], user, task);
  }
  close(pipe_fds[1]);

  const auto deadline =
      std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(timeout);
  std::string report;
  bool timed_out = false;
  while (true) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd readable{pipe_fds[0], POLLIN, 0};
    const int ready = poll(&readable, 1, static_cast<int>(remaining.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    char chunk[4096];
    const ssize_t n = read(pipe_fds[0], chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of the report (or an unreadable pipe)
    report.append(chunk, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  if (timed_out) {
    kill(pid, SIGKILL);
    Reap(pid);
    return absl::DeadlineExceededError(
        absl::StrCat("the child acting as uid ", user.uid,
                     " did not finish within ", absl::FormatDuration(timeout)));
  }
  const int status = Reap(pid);
  if (report.empty()) {
    return absl::InternalError(absl::StrCat(
        "the child acting as uid ", user.uid, " ended without reporting (",
        DescribeWaitStatus(status), ")"));
  }
  const std::string text = report.substr(1);
  switch (report[0]) {
    case kResult:
      return text;
    case kSwitchFailed:
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot become uid ", user.uid, " gid ", user.gid, ": ", text));
    default:
      return absl::AbortedError(
          absl::StrCat("the task run as uid ", user.uid, " threw: ", text));
  }
}

}  // namespace zerobuffer::platform
