#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/subprocess.h"

extern char** environ;

namespace zerobuffer::platform {
namespace {

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

ExitStatus FromWaitStatus(int status) {
  ExitStatus exit;
  if (WIFEXITED(status)) {
    exit.exit_code = WEXITSTATUS(status);
  } else {
    exit.signal = WTERMSIG(status);
  }
  return exit;
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (exit_code.has_value()) return absl::StrCat("exit code ", *exit_code);
  return absl::StrCat("killed by signal ", signal.value_or(0), " (",
                      strsignal(signal.value_or(0)), ")");
}

absl::StatusOr<Subprocess> Subprocess::Spawn(const SubprocessOptions& options) {
  if (options.argv.empty()) {
    return absl::InvalidArgumentError("a subprocess needs argv[0]");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Pipes the child does not use are close-on-exec, so only the dup2'ed
  // ends survive into the child.
  Subprocess child;
  Pipe stdin_pipe, stdout_pipe, stderr_pipe;
  auto connect = [&](bool wanted, int child_fd, Pipe& pipe, bool child_reads,
                     FileDescriptor& parent_end) -> absl::Status {
    if (!wanted) return absl::OkStatus();
    absl::StatusOr<Pipe> created = CreatePipe();
    if (!created.ok()) return created.status();
    pipe = *std::move(created);
    FileDescriptor& child_end = child_reads ? pipe.read_end : pipe.write_end;
    posix_spawn_file_actions_adddup2(&actions, child_end.get(), child_fd);
    parent_end = std::move(child_reads ? pipe.write_end : pipe.read_end);
    return absl::OkStatus();
  };
  absl::Status connected =
      connect(options.pipe_stdin, STDIN_FILENO, stdin_pipe, true, child.stdin_);
  if (connected.ok()) {
    connected = connect(options.pipe_stdout, STDOUT_FILENO, stdout_pipe, false,
                        child.stdout_);
  }
  if (connected.ok()) {
    connected = connect(options.pipe_stderr, STDERR_FILENO, stderr_pipe, false,
                        child.stderr_);
  }
  if (!connected.ok()) {
    posix_spawn_file_actions_destroy(&actions);
    return connected;
  }

  std::vector<std::string> argv_strings = options.argv;
  std::vector<std::string> env_strings = MergedEnvironment(options.environment);
  std::vector<char*> argv = PointersTo(argv_strings);
  std::vector<char*> envp = PointersTo(env_strings);
  // A child starts with default signal dispositions and nothing blocked,
  // whatever this process ignores (SIGPIPE) or its calling thread blocks.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t all_signals;
  sigset_t no_signals;
  sigfillset(&all_signals);
  sigemptyset(&no_signals);
  posix_spawnattr_setsigdefault(&attributes, &all_signals);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], &actions, &attributes,
                                argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return absl::ErrnoToStatus(
        error,
        absl::StrCat("posix_spawn(", absl::StrJoin(options.argv, " "), ")"));
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
    exit_status_ = FromWaitStatus(status);
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
      int status = 0;
      while (waitpid(static_cast<pid_t>(pid_), &status, 0) < 0 &&
             errno == EINTR) {
      }
      exit_status_ = FromWaitStatus(status);
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
