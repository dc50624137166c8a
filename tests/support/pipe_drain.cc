#include "tests/support/pipe_drain.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tests/support/pipe_reader.h"

namespace zerobuffer::testing {
namespace {

// How often the reading thread looks whether it is to stop.
constexpr absl::Duration kStopCheck = absl::Milliseconds(100);

}  // namespace

PipeDrain::PipeDrain(platform::FileDescriptor* fd)
    : fd_(fd), thread_([this] { Run(); }) {}

PipeDrain::~PipeDrain() {
  stopping_ = true;
  thread_.join();
}

void PipeDrain::Run() {
  PipeReader reader(fd_);
  while (!stopping_.load()) {
    // A read that times out keeps what it got for the next one.
    absl::StatusOr<std::string> text = reader.ReadToEnd(kStopCheck);
    if (absl::IsDeadlineExceeded(text.status())) continue;
    {
      std::lock_guard lock(mutex_);
      result_ = std::move(text);
    }
    ended_.notify_all();
    return;
  }
}

absl::StatusOr<std::string> PipeDrain::ReadToEnd(absl::Duration timeout) {
  std::unique_lock lock(mutex_);
  if (!ended_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                       [this] { return result_.has_value(); })) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the pipe did not end within ", absl::FormatDuration(timeout)));
  }
  return *result_;
}

}  // namespace zerobuffer::testing
