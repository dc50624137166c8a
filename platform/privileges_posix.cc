#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "platform/file_descriptor.h"
#include "platform/posix_child.h"
#include "platform/posix_errors.h"
#include "platform/privileges.h"

namespace zerobuffer::platform {
namespace {

// The first byte the child writes says how its report is to be read.
constexpr char kResult = 'R';        // the task's text follows
constexpr char kSwitchFailed = 'P';  // why the child could not switch
constexpr char kTaskThrew = 'X';     // what the task threw

[[noreturn]] void RunChild(FileDescriptor& report_pipe,
                           const UserIdentity& user,
                           const std::function<std::string()>& task) {
  std::string report;
  if (const posix::ChildFailure failure = posix::BecomeUser(user);
      failure.failed()) {
    report = absl::StrCat(std::string(1, kSwitchFailed), failure.call(), ": ",
                          std::strerror(failure.error));
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
  report_pipe.WriteAll(report).IgnoreError();
  // No destructors or exit handlers: they belong to the parent's objects.
  _exit(0);
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
    return posix::ErrnoError(error, "getpwnam_r", name);
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
    return posix::ErrnoError(errno, "stat", path);
  }
  return FileOwnership{static_cast<uint32_t>(info.st_uid),
                       static_cast<uint32_t>(info.st_gid),
                       static_cast<uint32_t>(info.st_mode & 07777)};
}

absl::StatusOr<std::string> RunAsUser(const UserIdentity& user,
                                      const std::function<std::string()>& task,
                                      absl::Duration timeout) {
  absl::StatusOr<Pipe> report_pipe = CreatePipe();
  if (!report_pipe.ok()) return report_pipe.status();
  const pid_t pid = fork();
  if (pid < 0) return absl::ErrnoToStatus(errno, "fork");
  if (pid == 0) {
    report_pipe->read_end.Close();
    RunChild(report_pipe->write_end, user, task);
  }
  report_pipe->write_end.Close();

  std::string text;
  const absl::Status ended = report_pipe->read_end.ReadToEnd(text, timeout);
  if (!ended.ok()) {
    kill(pid, SIGKILL);
    posix::Reap(pid);
    if (!absl::IsDeadlineExceeded(ended)) return ended;
    return absl::DeadlineExceededError(
        absl::StrCat("the child acting as uid ", user.uid,
                     " did not finish within ", absl::FormatDuration(timeout)));
  }
  const ExitStatus exit = posix::Reap(pid);
  if (text.empty()) {
    return absl::InternalError(
        absl::StrCat("the child acting as uid ", user.uid,
                     " ended without reporting (", exit.ToString(), ")"));
  }
  const std::string detail = text.substr(1);
  switch (text[0]) {
    case kResult:
      return detail;
    case kSwitchFailed:
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot become uid ", user.uid, " gid ", user.gid, ": ", detail));
    default:
      return absl::AbortedError(
          absl::StrCat("the task run as uid ", user.uid, " threw: ", detail));
  }
}

}  // namespace zerobuffer::platform
