// Reads what a child process writes to a pipe, with deadlines, keeping the
// bytes read past one answer for the next.

#ifndef ZEROBUFFER_TESTS_SUPPORT_PIPE_READER_H_
#define ZEROBUFFER_TESTS_SUPPORT_PIPE_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/file_descriptor.h"

namespace zerobuffer::testing {

class PipeReader {
 public:
  // `fd` is not owned and must outlive the reader.
  explicit PipeReader(platform::FileDescriptor* fd) : fd_(fd) {}

  // The next line, without its '\n'. kDeadlineExceeded when none completes
  // in time, kUnavailable at end of stream.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);

  // Everything up to and including `terminator`, or up to the end of the
  // stream if it never comes.
  absl::StatusOr<std::string> ReadUntil(const std::string& terminator,
                                        absl::Duration timeout);

  // Exactly `count` bytes; kUnavailable if the stream ends first.
  absl::StatusOr<std::string> ReadBytes(size_t count, absl::Duration timeout);

  // Everything until the end of the stream.
  absl::StatusOr<std::string> ReadToEnd(absl::Duration timeout);

 private:
  // Takes `length` buffered bytes; `skip` more are dropped after them.
  std::string Take(size_t length, size_t skip);
  // Appends what the pipe has; false at end of stream.
  absl::StatusOr<bool> Fill(absl::Duration timeout);

  platform::FileDescriptor* fd_;
  std::string buffered_;
};

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_PIPE_READER_H_
