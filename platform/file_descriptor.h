// An owned file descriptor with the blocking I/O the serve transport, the
// scenario runner and the multi-process tests need on pipes.

#ifndef ZEROBUFFER_PLATFORM_FILE_DESCRIPTOR_H_
#define ZEROBUFFER_PLATFORM_FILE_DESCRIPTOR_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zerobuffer::platform {

class FileDescriptor {
 public:
  FileDescriptor() = default;
  // Takes ownership of `fd`.
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept;
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();

  // An owned duplicate of `fd` (close-on-exec).
  static absl::StatusOr<FileDescriptor> Duplicate(int fd);

  bool valid() const { return fd_ >= 0; }
  int get() const { return fd_; }
  void Close();

  // Reads at most `capacity` bytes; 0 means end of stream. Retries EINTR.
  absl::StatusOr<size_t> ReadSome(char* buffer, size_t capacity);

  // Writes all of `data`, retrying short writes and EINTR.
  absl::Status WriteAll(const char* data, size_t size);
  absl::Status WriteAll(const std::string& data) {
    return WriteAll(data.data(), data.size());
  }

  // Reads until the end of the stream, appending to `text`, for at most
  // `timeout` on a monotonic clock (absl::InfiniteDuration() waits without
  // limit). kDeadlineExceeded when the stream has not ended by then; `text`
  // holds what arrived all the same.
  absl::Status ReadToEnd(std::string& text, absl::Duration timeout);

  // Waits until a read would not block (data, end of stream or error), up to
  // `timeout`. False on timeout.
  absl::StatusOr<bool> WaitReadable(absl::Duration timeout);

  // Whether the descriptor is a terminal (someone typing, not a program).
  bool IsTerminal() const;

 private:
  int fd_ = -1;
};

// Creates a pipe; both ends are close-on-exec.
struct Pipe {
  FileDescriptor read_end;
  FileDescriptor write_end;
};
absl::StatusOr<Pipe> CreatePipe();

// Makes writes to a closed pipe fail with EPIPE instead of killing the
// process, as a server whose client went away needs.
void IgnoreBrokenPipeSignal();

// For a process whose stdout carries a protocol: returns a private
// descriptor for the original stdout and points descriptor 1 at stderr, so
// stray output (a library's printf, a sanitizer report) can never corrupt
// the protocol stream.
absl::StatusOr<FileDescriptor> ReserveStdoutForProtocol();

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_FILE_DESCRIPTOR_H_
