// A child process run to its end: spawned, given its input, read until it
// closes its output, and waited for.

#ifndef ZEROBUFFER_TESTS_SUPPORT_RUN_TO_END_H_
#define ZEROBUFFER_TESTS_SUPPORT_RUN_TO_END_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "platform/subprocess.h"

namespace zerobuffer::testing {

struct FinishedProcess {
  // nullopt when it had not exited `timeout` after its output ended.
  std::optional<platform::ExitStatus> exit;
  std::string out;
  // What it wrote to stderr, where options.pipe_stderr asked for it.
  std::string err;
};

// Spawns `options` with stdin and stdout piped, writes `input` to stdin
// (a child that is gone by then does not fail the write) and closes it,
// reads stdout to its end while stderr, if piped, drains on another
// thread, and waits for the exit. Each wait takes up to `timeout`; what
// fails is a test failure.
FinishedProcess RunToEnd(platform::SubprocessOptions options,
                         const std::string& input, absl::Duration timeout);

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_RUN_TO_END_H_
