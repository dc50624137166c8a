// Reads a child's pipe to its end on a thread of its own, so that a child
// that writes much there never blocks on a full pipe while the test reads
// another pipe or waits for something else.

#ifndef ZEROBUFFER_TESTS_SUPPORT_PIPE_DRAIN_H_
#define ZEROBUFFER_TESTS_SUPPORT_PIPE_DRAIN_H_

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/file_descriptor.h"

namespace zerobuffer::testing {

class PipeDrain {
 public:
  // Starts reading `fd`, which is not owned and must outlive the drain.
  explicit PipeDrain(platform::FileDescriptor* fd);
  // Stops reading (within a tenth of a second) and joins the thread.
  ~PipeDrain();
  PipeDrain(const PipeDrain&) = delete;
  PipeDrain& operator=(const PipeDrain&) = delete;

  // Everything the pipe carried, once it has ended; kDeadlineExceeded when
  // it does not end within `timeout`.
  absl::StatusOr<std::string> ReadToEnd(absl::Duration timeout);

 private:
  void Run();

  platform::FileDescriptor* const fd_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable ended_;
  std::optional<absl::StatusOr<std::string>> result_;
  std::thread thread_;  // last: starts once the rest is set up
};

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_PIPE_DRAIN_H_
