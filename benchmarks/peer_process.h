// The other process of a cross-process benchmark: //benchmarks:bench_peer
// started in one of its roles (see peer_main.cc).

#ifndef ZEROBUFFER_BENCHMARKS_PEER_PROCESS_H_
#define ZEROBUFFER_BENCHMARKS_PEER_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "platform/process.h"
#include "platform/subprocess.h"

namespace zerobuffer::bench {

class PeerProcess {
 public:
  // Starts bench_peer as `role` with `arguments` and waits until it says it
  // is ready (its buffers created or connected). Throws std::runtime_error
  // when it cannot start or exits first.
  static PeerProcess Start(const std::string& role,
                           const std::vector<std::string>& arguments);

  platform::ProcessId pid() const { return process_->pid(); }

  // Waits for the peer to end by itself (each role ends when its benchmark
  // tells it to) and throws if it does not end in time or ends in failure.
  void Finish(absl::Duration timeout = absl::Seconds(10));

 private:
  explicit PeerProcess(std::unique_ptr<platform::Subprocess> process)
      : process_(std::move(process)) {}

  void AwaitReady(absl::Duration timeout);

  // Heap-held so that moves keep the pipes where the OS has them.
  std::unique_ptr<platform::Subprocess> process_;
};

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_PEER_PROCESS_H_
