#include "tests/support/run_to_end.h"

#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "platform/file_descriptor.h"
#include "tests/support/pipe_drain.h"
#include "tests/support/pipe_reader.h"

namespace zerobuffer::testing {

FinishedProcess RunToEnd(platform::SubprocessOptions options,
                         const std::string& input, absl::Duration timeout) {
  options.pipe_stdin = true;
  options.pipe_stdout = true;
  FinishedProcess finished;
  absl::StatusOr<platform::Subprocess> process =
      platform::Subprocess::Spawn(options);
  EXPECT_TRUE(process.ok()) << process.status();
  if (!process.ok()) return finished;
  std::unique_ptr<PipeDrain> errors;
  if (options.pipe_stderr) {
    errors = std::make_unique<PipeDrain>(&process->stderr_pipe());
  }
  // A child that refuses its arguments may be gone before the input
  // arrives: the write then fails rather than killing the test.
  platform::IgnoreBrokenPipeSignal();
  process->stdin_pipe().WriteAll(input).IgnoreError();
  process->stdin_pipe().Close();
  absl::StatusOr<std::string> out =
      PipeReader(&process->stdout_pipe()).ReadToEnd(timeout);
  EXPECT_TRUE(out.ok()) << "stdout: " << out.status();
  finished.out = out.value_or("");
  if (errors != nullptr) {
    absl::StatusOr<std::string> err = errors->ReadToEnd(timeout);
    EXPECT_TRUE(err.ok()) << "stderr: " << err.status();
    finished.err = err.value_or("");
  }
  finished.exit = process->WaitFor(timeout);
  return finished;
}

}  // namespace zerobuffer::testing
