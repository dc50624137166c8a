// bench_peer: the other process of the cross-process benchmarks.
//
//   bench_peer ROLE PARENT_PID ARGUMENTS...
//
//   relay PING PONG RING_BYTES SPIN_US [ECHO_PING ECHO_PONG]
//   stream_writer NAME FRAME_BYTES copy|zero_copy SPIN_US
//   paced_reader NAME RING_BYTES SPIN_US DELAY_US
//   semaphore_echo CONTROL PING_SEMAPHORE PONG_SEMAPHORE
//   spin_echo CONTROL GO_SEMAPHORE
//
// See peer_roles.h for what each does. It writes "ready" on stdout once set
// up, and exits 0 when its benchmark ended it, 1 on any failure (reported
// on stderr), 2 on a usage error.

#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "benchmarks/peer_roles.h"

namespace zerobuffer::bench {

void AnnounceReady() { std::cout << "ready\n" << std::flush; }

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Arguments {
 public:
  explicit Arguments(std::vector<std::string> words)
      : words_(std::move(words)) {}

  const std::string& Text(size_t index) const {
    if (index >= words_.size()) {
      throw UsageError(absl::StrCat("argument ", index, " missing"));
    }
    return words_[index];
  }

  uint64_t Number(size_t index) const {
    uint64_t value;
    if (!absl::SimpleAtoi(Text(index), &value)) {
      throw UsageError(absl::StrCat("argument ", index, " is not a number"));
    }
    return value;
  }

  size_t size() const { return words_.size(); }

  std::chrono::microseconds Micros(size_t index) const {
    return std::chrono::microseconds(Number(index));
  }

 private:
  std::vector<std::string> words_;
};

int Run(const Arguments& args) {
  const std::string& role = args.Text(0);
  const platform::ProcessId parent = args.Number(1);
  if (role == "relay") {
    EchoSemaphores echo;
    if (args.size() > 6) echo = {args.Text(6), args.Text(7)};
    return RunRelay(parent, args.Text(2), args.Text(3), args.Number(4),
                    args.Micros(5), echo);
  }
  if (role == "stream_writer") {
    const std::string& mode = args.Text(4);
    if (mode != "copy" && mode != "zero_copy") {
      throw UsageError(absl::StrCat("unknown write mode ", mode));
    }
    return RunStreamWriter(parent, args.Text(2), args.Number(3),
                           mode == "zero_copy", args.Micros(5));
  }
  if (role == "paced_reader") {
    return RunPacedReader(parent, args.Text(2), args.Number(3), args.Micros(4),
                          args.Micros(5));
  }
  if (role == "semaphore_echo") {
    return RunSemaphoreEcho(parent, args.Text(2), args.Text(3), args.Text(4));
  }
  if (role == "spin_echo") {
    return RunSpinEcho(parent, args.Text(2), args.Text(3));
  }
  throw UsageError(absl::StrCat("unknown role ", role));
}

}  // namespace
}  // namespace zerobuffer::bench

int main(int argc, char** argv) {
  try {
    return zerobuffer::bench::Run(zerobuffer::bench::Arguments(
        std::vector<std::string>(argv + 1, argv + argc)));
  } catch (const zerobuffer::bench::UsageError& error) {
    std::cerr << "bench_peer: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "bench_peer: " << error.what() << "\n";
    return 1;
  }
}
