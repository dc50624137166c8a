#include "tests/support/pipe_reader.h"

#include "absl/strings/str_cat.h"
#include "zerobuffer/deadline.h"

namespace zerobuffer::testing {
namespace {

absl::Duration Left(const Deadline& deadline) {
  return deadline.RemainingAtMost(std::chrono::hours(24));
}

absl::Status TimedOut(const std::string& so_far) {
  return absl::DeadlineExceededError(
      absl::StrCat("read timed out; got so far: \"", so_far, "\""));
}

}  // namespace

absl::StatusOr<std::string> PipeReader::ReadLine(absl::Duration timeout) {
  const Deadline deadline = Deadline::After(absl::ToChronoNanoseconds(timeout));
  while (true) {
    const size_t newline = buffered_.find('\n');
    if (newline != std::string::npos) return Take(newline, 1);
    absl::StatusOr<bool> more = Fill(Left(deadline));
    if (!more.ok()) return more.status();
    if (!*more) return absl::UnavailableError("end of stream");
  }
}

absl::StatusOr<std::string> PipeReader::ReadUntil(const std::string& terminator,
                                                  absl::Duration timeout) {
  const Deadline deadline = Deadline::After(absl::ToChronoNanoseconds(timeout));
  while (true) {
    const size_t found = buffered_.find(terminator);
    if (found != std::string::npos) {
      return Take(found + terminator.size(), 0);
    }
    absl::StatusOr<bool> more = Fill(Left(deadline));
    if (!more.ok()) return more.status();
    if (!*more) return Take(buffered_.size(), 0);
  }
}

absl::StatusOr<std::string> PipeReader::ReadBytes(size_t count,
                                                  absl::Duration timeout) {
  const Deadline deadline = Deadline::After(absl::ToChronoNanoseconds(timeout));
  while (buffered_.size() < count) {
    absl::StatusOr<bool> more = Fill(Left(deadline));
    if (!more.ok()) return more.status();
    if (!*more) return absl::UnavailableError("end of stream");
  }
  return Take(count, 0);
}

absl::StatusOr<std::string> PipeReader::ReadToEnd(absl::Duration timeout) {
  const absl::Status ended = fd_->ReadToEnd(buffered_, timeout);
  if (absl::IsDeadlineExceeded(ended)) return TimedOut(buffered_);
  if (!ended.ok()) return ended;
  return Take(buffered_.size(), 0);
}

std::string PipeReader::Take(size_t length, size_t skip) {
  std::string taken = buffered_.substr(0, length);
  buffered_.erase(0, length + skip);
  return taken;
}

absl::StatusOr<bool> PipeReader::Fill(absl::Duration timeout) {
  absl::StatusOr<bool> readable = fd_->WaitReadable(timeout);
  if (!readable.ok()) return readable.status();
  if (!*readable) return TimedOut(buffered_);
  char chunk[4096];
  absl::StatusOr<size_t> got = fd_->ReadSome(chunk, sizeof(chunk));
  if (!got.ok()) return got.status();
  buffered_.append(chunk, *got);
  return *got > 0;
}

}  // namespace zerobuffer::testing
