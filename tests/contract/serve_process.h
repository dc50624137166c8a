// The real serve binary under test, spoken to at the byte level.

#ifndef ZEROBUFFER_TESTS_CONTRACT_SERVE_PROCESS_H_
#define ZEROBUFFER_TESTS_CONTRACT_SERVE_PROCESS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "platform/subprocess.h"
#include "tests/support/pipe_drain.h"
#include "tests/support/pipe_reader.h"

namespace zerobuffer::testing {

using Json = nlohmann::json;

struct ServeOptions {
  std::vector<std::string> arguments = {};
  // Added to Harmony's two variables and the inherited environment.
  std::vector<std::pair<std::string, std::string>> environment = {};
  // Pipe stderr so that the test can read it (ReadStderrToEnd); otherwise
  // it is the test's own. A thread reads the pipe from the start, so a
  // chatty serve never blocks on it.
  bool capture_stderr = false;
};

// How to spawn $ZB_SERVE (set by the BUILD rule) with Harmony's environment
// for `host_pid` and feature 1; stdin and stdout are left to the caller.
absl::StatusOr<platform::SubprocessOptions> ServeSpawnOptions(
    uint64_t host_pid, const ServeOptions& options);

class ServeProcess {
 public:
  // Starts the serve of ServeSpawnOptions with piped stdin and stdout.
  static absl::StatusOr<ServeProcess> Start(uint64_t host_pid,
                                            const ServeOptions& options = {});

  // Raw bytes, exactly as given.
  absl::Status WriteRaw(const std::string& bytes);
  // One framed message.
  absl::Status Send(const Json& message);
  // The next message the serve wrote. Its frame must be exactly what
  // Harmony's strict reader accepts, "Content-Length: N\r\n\r\n" and N
  // bytes of JSON; anything else on stdout is an error.
  absl::StatusOr<Json> Receive(absl::Duration timeout = absl::Seconds(20));
  // Send + Receive of a request with Harmony's shape.
  absl::StatusOr<Json> Call(const Json& id, const std::string& method,
                            const Json& params);

  // Everything the serve writes to stdout until it closes it, unparsed.
  absl::StatusOr<std::string> ReadStdoutToEnd(absl::Duration timeout);
  // Everything it writes to stderr until it exits; needs capture_stderr.
  absl::StatusOr<std::string> ReadStderrToEnd(absl::Duration timeout);

  void CloseStdin();
  std::optional<platform::ExitStatus> WaitFor(absl::Duration timeout);
  platform::ProcessId pid() const { return process_->pid(); }

 private:
  explicit ServeProcess(std::unique_ptr<platform::Subprocess> process);

  std::unique_ptr<platform::Subprocess> process_;
  std::unique_ptr<PipeReader> output_;
  std::unique_ptr<PipeDrain> errors_;  // where stderr is captured
};

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_CONTRACT_SERVE_PROCESS_H_
