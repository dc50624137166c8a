#include "serve/front/worker_process.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zerobuffer::serve {

WorkerProcess::WorkerProcess(std::vector<std::string> argv,
                             size_t max_message_bytes)
    : argv_(std::move(argv)), max_message_bytes_(max_message_bytes) {}

absl::Status WorkerProcess::EnsureRunning() {
  if (process_ != nullptr) return absl::OkStatus();
  platform::SubprocessOptions options;
  options.argv = argv_;
  options.pipe_stdin = true;
  options.pipe_stdout = true;  // stderr is shared: worker logs go straight out
  absl::StatusOr<platform::Subprocess> spawned =
      platform::Subprocess::Spawn(options);
  if (!spawned.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot start the step worker (", absl::StrJoin(argv_, " "),
        "): ", spawned.status().message()));
  }
  process_ = std::make_unique<platform::Subprocess>(*std::move(spawned));
  reader_ = std::make_unique<jsonrpc::MessageReader>(
      &process_->stdout_pipe(), max_message_bytes_,
      jsonrpc::kRequestResponseSpin);
  writer_ = std::make_unique<jsonrpc::MessageWriter>(&process_->stdin_pipe());
  if (initialize_body_.has_value()) {
    absl::StatusOr<std::string> replayed =
        Exchange(*initialize_body_, absl::Seconds(10));
    if (!replayed.ok()) return replayed.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> WorkerProcess::Call(const std::string& body,
                                                absl::Duration timeout) {
  const absl::Status running = EnsureRunning();
  if (!running.ok()) return running;
  return Exchange(body, timeout);
}

absl::Status WorkerProcess::Notify(const std::string& body) {
  const absl::Status running = EnsureRunning();
  if (!running.ok()) return running;
  return writer_->Write(body);
}

absl::StatusOr<std::string> WorkerProcess::Exchange(const std::string& body,
                                                    absl::Duration timeout) {
  if (!writer_->Write(body).ok()) return Died();
  while (true) {
    absl::StatusOr<std::string> answer = reader_->Read(timeout);
    if (answer.ok() || absl::IsDeadlineExceeded(answer.status())) {
      return answer;
    }
    if (absl::IsOutOfRange(answer.status()) ||
        absl::IsDataLoss(answer.status())) {
      return Died();
    }
    // A framing error on our own pipe: skip it and keep waiting.
  }
}

absl::Status WorkerProcess::Died() {
  std::optional<platform::ExitStatus> status =
      process_->WaitFor(absl::Seconds(1));
  const std::string how =
      status.has_value() ? status->ToString() : "closed its pipe";
  Kill();
  abandoned_resources_ = true;
  return absl::UnavailableError(
      absl::StrCat("the step worker died (", how, ")"));
}

void WorkerProcess::Kill() {
  if (process_ == nullptr) return;
  if (!process_->TryWait().has_value()) {
    process_->KillAbruptly();
    process_->Wait();
    abandoned_resources_ = true;
  }
  Release();
}

bool WorkerProcess::Stop(absl::Duration grace) {
  if (process_ == nullptr) return true;
  process_->stdin_pipe().Close();
  if (process_->WaitFor(grace).has_value()) {
    Release();
    return true;
  }
  Kill();
  return false;
}

void WorkerProcess::Release() {
  reader_.reset();
  writer_.reset();
  process_.reset();
}

}  // namespace zerobuffer::serve
