#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/posix_child.h"
#include "platform/subprocess.h"

extern char** environ;

namespace zerobuffer::platform {
namespace {

using posix::ChildFailure;

std::vector<std::string> MergedEnvironment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const char* equals = std::strchr(*entry, '=');
    if (equals == nullptr) continue;
    variables[std::string(*entry, static_cast<size_t>(equals - *entry))] =
        equals + 1;
  }
  for (const auto& [name, value] : overrides) variables[name] = value;
  std::vector<std::string> merged;
  merged.reserve(variables.size());
  for (const auto& [name, value] : variables) {
    merged.push_back(absl::StrCat(name, "=", value));
  }
  return merged;
}

std::vector<char*> PointersTo(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// A pipe end the child gets as one of its standard streams.
struct Redirect {
  int fd = -1;
  int target = -1;
};

// What the child of Spawn does between fork and exec, prepared entirely by
// the parent: the child may run only async-signal-safe calls (see
// posix_child.h). Returns only when a step failed.
ChildFailure ExecChild(const std::array<Redirect, 3>& redirects,
                       const std::optional<UserIdentity>& user,
                       char* const* argv, char* const* envp) {
  // exec resets caught signals to their default but keeps ignored ones
  // ignored; the parent blocked everything around fork, so no handler of
  // its can run here before this.
  struct sigaction default_action;
  std::memset(&default_action, 0, sizeof(default_action));
  default_action.sa_handler = SIG_DFL;
  for (int number = 1; number < NSIG; ++number) {
    // Fails, harmlessly, for SIGKILL, SIGSTOP and glibc's own signals.
    sigaction(number, &default_action, nullptr);
  }
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigprocmask(SIG_SETMASK, &no_signals, nullptr);

  for (const Redirect& redirect : redirects) {
    if (redirect.fd < 0) continue;
    // dup2 onto itself would leave close-on-exec set; clear it instead.
    const int result = redirect.fd == redirect.target
                           ? fcntl(redirect.fd, F_SETFD, 0)
                           : dup2(redirect.fd, redirect.target);
    if (result < 0) return {ChildFailure::Step::kRedirect, errno};
  }
  if (user.has_value()) {
    if (const ChildFailure failure = posix::BecomeUser(*user);
        failure.failed()) {
      return failure;
    }
  }
  execve(argv[0], argv, envp);
  return {ChildFailure::Step::kExec, errno};
}

absl::Status StatusOfChildFailure(const ChildFailure& failure,
                                  const SubprocessOptions& options) {
  switch (failure.step) {
    case ChildFailure::Step::kSetgroups:
    case ChildFailure::Step::kSetgid:
    case ChildFailure::Step::kSetuid:
      return absl::ErrnoToStatus(
          failure.error,
          absl::StrCat("the child cannot become uid ", options.user->uid,
                       " gid ", options.user->gid, ": ", failure.call()));
    default:
      return absl::ErrnoToStatus(
          failure.error, absl::StrCat(failure.call(), " for ",
                                      absl::StrJoin(options.argv, " ")));
  }
}

}  // namespace

absl::StatusOr<Subprocess> Subprocess::Spawn(const SubprocessOptions& options) {
  if (options.argv.empty()) {
    return absl::InvalidArgumentError("a subprocess needs argv[0]");
  }
  Subprocess child;
  // Every end CreatePipe makes is close-on-exec: the child keeps only the
  // dup2'ed copies, and the parent closes the child's ends on return.
  std::array<Redirect, 3> redirects;
  std::vector<FileDescriptor> child_ends;
  auto connect = [&](bool wanted, int target, bool child_reads,
                     FileDescriptor& parent_end) -> absl::Status {
    if (!wanted) return absl::OkStatus();
    absl::StatusOr<Pipe> pipe = CreatePipe();
    if (!pipe.ok()) return pipe.status();
    FileDescriptor& child_end = child_reads ? pipe->read_end : pipe->write_end;
    redirects[static_cast<size_t>(target)] = {child_end.get(), target};
    child_ends.push_back(std::move(child_end));
    parent_end = std::move(child_reads ? pipe->write_end : pipe->read_end);
    return absl::OkStatus();
  };
  absl::Status connected =
      connect(options.pipe_stdin, STDIN_FILENO, true, child.stdin_);
  if (connected.ok()) {
    connected =
        connect(options.pipe_stdout, STDOUT_FILENO, false, child.stdout_);
  }
  if (connected.ok()) {
    connected =
        connect(options.pipe_stderr, STDERR_FILENO, false, child.stderr_);
  }
  if (!connected.ok()) return connected;
  // The child reports a failed step here; a successful exec closes it.
  absl::StatusOr<Pipe> report = CreatePipe();
  if (!report.ok()) return report.status();

  std::vector<std::string> argv_strings = options.argv;
  std::vector<std::string> env_strings = MergedEnvironment(options.environment);
  const std::vector<char*> argv = PointersTo(argv_strings);
  const std::vector<char*> envp = PointersTo(env_strings);

  // No signal handler of ours may run in the child before ExecChild has
  // reset them all.
  sigset_t all_signals;
  sigset_t previous_mask;
  sigfillset(&all_signals);
  pthread_sigmask(SIG_SETMASK, &all_signals, &previous_mask);
  const pid_t pid = fork();
  if (pid == 0) {
    const ChildFailure failure =
        ExecChild(redirects, options.user, argv.data(), envp.data());
    // A pipe takes up to PIPE_BUF bytes in one piece.
    const ssize_t written =
        write(report->write_end.get(), &failure, sizeof(failure));
    _exit(written == sizeof(failure) ? 127 : 126);
  }
  const int fork_error = errno;
  pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
  if (pid < 0) return absl::ErrnoToStatus(fork_error, "fork");
  report->write_end.Close();

  // End of stream at once means the exec succeeded; a whole report, that a
  // step failed. Anything else leaves the child's fate unknown: it is
  // killed rather than handed out as a process that may not be running the
  // program.
  ChildFailure failure;
  size_t received = 0;
  absl::Status report_read;
  while (received < sizeof(failure)) {
    const absl::StatusOr<size_t> read =
        report->read_end.ReadSome(reinterpret_cast<char*>(&failure) + received,
                                  sizeof(failure) - received);
    if (!read.ok()) {
      report_read = read.status();
      break;
    }
    if (*read == 0) break;
    received += *read;
  }
  if (received == sizeof(failure)) {
    posix::Reap(pid);
    return StatusOfChildFailure(failure, options);
  }
  if (!report_read.ok() || received > 0) {
    kill(pid, SIGKILL);
    posix::Reap(pid);
    if (!report_read.ok()) {
      return absl::InternalError(
          absl::StrCat("cannot tell whether ", options.argv[0],
                       " started: reading the child's report failed: ",
                       report_read.ToString()));
    }
    return absl::InternalError(absl::StrCat(
        "cannot tell whether ", options.argv[0], " started: the child's ",
        "report ended after ", received, " of ", sizeof(failure), " bytes"));
  }

  child.pid_ = static_cast<ProcessId>(pid);
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) child.exit_watch_ = FileDescriptor(pidfd);
  return child;
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, 0)),
      exit_watch_(std::move(other.exit_watch_)),
      exit_status_(std::move(other.exit_status_)),
      stdin_(std::move(other.stdin_)),
      stdout_(std::move(other.stdout_)),
      stderr_(std::move(other.stderr_)) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    Release();
    pid_ = std::exchange(other.pid_, 0);
    exit_watch_ = std::move(other.exit_watch_);
    exit_status_ = std::move(other.exit_status_);
    stdin_ = std::move(other.stdin_);
    stdout_ = std::move(other.stdout_);
    stderr_ = std::move(other.stderr_);
  }
  return *this;
}

Subprocess::~Subprocess() { Release(); }

void Subprocess::Release() {
  if (pid_ == 0) return;
  if (!exit_status_.has_value()) {
    KillAbruptly();
    Wait();
  }
  pid_ = 0;
}

void Subprocess::KillAbruptly() {
  if (!exit_status_.has_value()) kill(static_cast<pid_t>(pid_), SIGKILL);
}

std::optional<ExitStatus> Subprocess::TryWait() {
  if (exit_status_.has_value()) return exit_status_;
  int status = 0;
  pid_t reaped;
  do {
    reaped = waitpid(static_cast<pid_t>(pid_), &status, WNOHANG);
  } while (reaped < 0 && errno == EINTR);
  if (reaped == static_cast<pid_t>(pid_)) {
    exit_status_ = posix::FromWaitStatus(status);
    exit_watch_.Close();
  }
  return exit_status_;
}

std::optional<ExitStatus> Subprocess::WaitFor(absl::Duration timeout) {
  if (TryWait().has_value()) return exit_status_;
  if (exit_watch_.valid()) {
    // The pidfd turns readable exactly when the child exits: no polling.
    absl::StatusOr<bool> ended = exit_watch_.WaitReadable(timeout);
    if (ended.ok() && !*ended) return std::nullopt;
    if (ended.ok()) {
      exit_status_ = posix::Reap(static_cast<pid_t>(pid_));
      exit_watch_.Close();
      return exit_status_;
    }
  }
  // Kernels without pidfd: poll with a short back-off.
  const auto start = std::chrono::steady_clock::now();
  absl::Duration pause = absl::Microseconds(100);
  while (!TryWait().has_value()) {
    if (absl::FromChrono(std::chrono::steady_clock::now() - start) >= timeout) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(absl::ToChronoMicroseconds(pause));
    pause = std::min(pause * 2, absl::Milliseconds(10));
  }
  return exit_status_;
}

}  // namespace zerobuffer::platform
