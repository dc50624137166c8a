#include "benchmarks/peer_process.h"

#include <chrono>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "benchmarks/runfiles.h"

namespace zerobuffer::bench {
namespace {

constexpr char kReadyLine[] = "ready\n";

}  // namespace

PeerProcess PeerProcess::Start(const std::string& role,
                               const std::vector<std::string>& arguments) {
  platform::SubprocessOptions options;
  options.argv = {RunfilePath("benchmarks/bench_peer"), role,
                  absl::StrCat(platform::CurrentProcessId())};
  options.argv.insert(options.argv.end(), arguments.begin(), arguments.end());
  // The peer's stderr stays ours, so its failures show in the run's log.
  options.pipe_stdout = true;
  absl::StatusOr<platform::Subprocess> process =
      platform::Subprocess::Spawn(options);
  if (!process.ok()) {
    throw std::runtime_error(absl::StrCat("cannot start bench_peer ", role,
                                          ": ", process.status().ToString()));
  }
  PeerProcess peer(std::make_unique<platform::Subprocess>(*std::move(process)));
  peer.AwaitReady(absl::Seconds(30));
  return peer;
}

void PeerProcess::AwaitReady(absl::Duration timeout) {
  const auto deadline =
      std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
  std::string received;
  while (received != kReadyLine) {
    const absl::Duration left =
        absl::FromChrono(std::max(deadline - std::chrono::steady_clock::now(),
                                  std::chrono::steady_clock::duration::zero()));
    const absl::StatusOr<bool> readable =
        process_->stdout_pipe().WaitReadable(left);
    if (!readable.ok() || !*readable) {
      throw std::runtime_error("bench_peer did not get ready in time");
    }
    char byte;
    const absl::StatusOr<size_t> read =
        process_->stdout_pipe().ReadSome(&byte, 1);
    if (!read.ok() || *read == 0) {
      const platform::ExitStatus status = process_->Wait();
      throw std::runtime_error(absl::StrCat(
          "bench_peer ended before it was ready: ", status.ToString()));
    }
    received.push_back(byte);
    if (received.size() > sizeof(kReadyLine)) {
      throw std::runtime_error(
          absl::StrCat("bench_peer said \"", received, "\", not ready"));
    }
  }
}

void PeerProcess::Finish(absl::Duration timeout) {
  const std::optional<platform::ExitStatus> status = process_->WaitFor(timeout);
  if (!status.has_value()) {
    throw std::runtime_error("bench_peer did not finish in time");
  }
  if (!status->success()) {
    throw std::runtime_error(
        absl::StrCat("bench_peer failed: ", status->ToString()));
  }
}

}  // namespace zerobuffer::bench
