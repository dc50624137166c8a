#include "tests/contract/serve_process.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "serve/jsonrpc/framing.h"

namespace zerobuffer::testing {

absl::StatusOr<platform::SubprocessOptions> ServeSpawnOptions(
    uint64_t host_pid, const ServeOptions& options) {
  const char* serve = std::getenv("ZB_SERVE");
  if (serve == nullptr) return absl::FailedPreconditionError("ZB_SERVE unset");
  platform::SubprocessOptions spawn;
  spawn.argv = {serve};
  spawn.argv.insert(spawn.argv.end(), options.arguments.begin(),
                    options.arguments.end());
  spawn.environment = {{"HARMONY_HOST_PID", absl::StrCat(host_pid)},
                       {"HARMONY_FEATURE_ID", "1"}};
  spawn.environment.insert(spawn.environment.end(), options.environment.begin(),
                           options.environment.end());
  spawn.pipe_stderr = options.capture_stderr;
  return spawn;
}

absl::StatusOr<ServeProcess> ServeProcess::Start(uint64_t host_pid,
                                                 const ServeOptions& options) {
  absl::StatusOr<platform::SubprocessOptions> spawn =
      ServeSpawnOptions(host_pid, options);
  if (!spawn.ok()) return spawn.status();
  spawn->pipe_stdin = true;
  spawn->pipe_stdout = true;
  absl::StatusOr<platform::Subprocess> process =
      platform::Subprocess::Spawn(*spawn);
  if (!process.ok()) return process.status();
  return ServeProcess(
      std::make_unique<platform::Subprocess>(*std::move(process)));
}

ServeProcess::ServeProcess(std::unique_ptr<platform::Subprocess> process)
    : process_(std::move(process)),
      output_(std::make_unique<PipeReader>(&process_->stdout_pipe())) {
  if (process_->stderr_pipe().valid()) {
    errors_ = std::make_unique<PipeDrain>(&process_->stderr_pipe());
  }
}

absl::Status ServeProcess::WriteRaw(const std::string& bytes) {
  return process_->stdin_pipe().WriteAll(bytes);
}

absl::Status ServeProcess::Send(const Json& message) {
  return WriteRaw(jsonrpc::FrameMessage(message.dump()));
}

absl::StatusOr<Json> ServeProcess::Receive(absl::Duration timeout) {
  absl::StatusOr<std::string> header = output_->ReadUntil("\r\n\r\n", timeout);
  if (!header.ok()) return header.status();
  size_t length = 0;
  if (!RE2::FullMatch(*header, R"(Content-Length: (\d+)\r\n\r\n)", &length)) {
    return absl::DataLossError(
        absl::StrCat("stdout carried something other than a frame header: \"",
                     *header, "\""));
  }
  absl::StatusOr<std::string> body = output_->ReadBytes(length, timeout);
  if (!body.ok()) return body.status();
  Json message = Json::parse(*body, nullptr, /*allow_exceptions=*/false);
  if (message.is_discarded()) {
    return absl::DataLossError(absl::StrCat("not JSON: ", *body));
  }
  return message;
}

absl::StatusOr<Json> ServeProcess::Call(const Json& id,
                                        const std::string& method,
                                        const Json& params) {
  const absl::Status sent = Send(
      {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
  if (!sent.ok()) return sent;
  return Receive();
}

absl::StatusOr<std::string> ServeProcess::ReadStdoutToEnd(
    absl::Duration timeout) {
  return output_->ReadToEnd(timeout);
}

absl::StatusOr<std::string> ServeProcess::ReadStderrToEnd(
    absl::Duration timeout) {
  if (errors_ == nullptr) {
    return absl::FailedPreconditionError("stderr was not captured");
  }
  return errors_->ReadToEnd(timeout);
}

void ServeProcess::CloseStdin() { process_->stdin_pipe().Close(); }

std::optional<platform::ExitStatus> ServeProcess::WaitFor(
    absl::Duration timeout) {
  return process_->WaitFor(timeout);
}

}  // namespace zerobuffer::testing
