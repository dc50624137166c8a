#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/file_descriptor.h"

namespace zerobuffer::platform {

FileDescriptor::FileDescriptor(FileDescriptor&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

FileDescriptor::~FileDescriptor() { Close(); }

absl::StatusOr<FileDescriptor> FileDescriptor::Duplicate(int fd) {
  const int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return absl::ErrnoToStatus(errno, "fcntl(F_DUPFD_CLOEXEC)");
  return FileDescriptor(copy);
}

void FileDescriptor::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

absl::StatusOr<size_t> FileDescriptor::ReadSome(char* buffer, size_t capacity) {
  while (true) {
    const ssize_t n = read(fd_, buffer, capacity);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return absl::ErrnoToStatus(errno, "read");
  }
}

absl::Status FileDescriptor::WriteAll(const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, "write");
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status FileDescriptor::ReadToEnd(std::string& text,
                                       absl::Duration timeout) {
  const auto start = std::chrono::steady_clock::now();
  while (true) {
    // absl::Duration saturates: an infinite timeout stays infinite.
    const absl::Duration left =
        timeout - absl::FromChrono(std::chrono::steady_clock::now() - start);
    const absl::StatusOr<bool> readable =
        WaitReadable(std::max(left, absl::ZeroDuration()));
    if (!readable.ok()) return readable.status();
    if (!*readable) {
      return absl::DeadlineExceededError(absl::StrCat(
          "the stream did not end within ", absl::FormatDuration(timeout)));
    }
    char chunk[4096];
    const absl::StatusOr<size_t> got = ReadSome(chunk, sizeof(chunk));
    if (!got.ok()) return got.status();
    if (*got == 0) return absl::OkStatus();
    text.append(chunk, *got);
  }
}

absl::StatusOr<bool> FileDescriptor::WaitReadable(absl::Duration timeout) {
  // Monotonic, so wall-clock steps neither stretch nor cut the wait.
  const auto start = std::chrono::steady_clock::now();
  while (true) {
    int timeout_ms = -1;
    if (timeout != absl::InfiniteDuration()) {
      const absl::Duration left = std::max(
          timeout - absl::FromChrono(std::chrono::steady_clock::now() - start),
          absl::ZeroDuration());
      timeout_ms = static_cast<int>(std::min<int64_t>(
          absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))),
          INT_MAX));
    }
    pollfd entry{.fd = fd_, .events = POLLIN, .revents = 0};
    const int ready = poll(&entry, 1, timeout_ms);
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return absl::ErrnoToStatus(errno, "poll");
  }
}

bool FileDescriptor::IsTerminal() const { return isatty(fd_) == 1; }

absl::StatusOr<Pipe> CreatePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2");
  return Pipe{FileDescriptor(fds[0]), FileDescriptor(fds[1])};
}

void IgnoreBrokenPipeSignal() { signal(SIGPIPE, SIG_IGN); }

absl::StatusOr<FileDescriptor> ReserveStdoutForProtocol() {
  absl::StatusOr<FileDescriptor> protocol = FileDescriptor::Duplicate(1);
  if (!protocol.ok()) return protocol.status();
  if (dup2(2, 1) < 0) return absl::ErrnoToStatus(errno, "dup2(2, 1)");
  return protocol;
}

}  // namespace zerobuffer::platform
