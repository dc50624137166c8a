// The peer roles of the raw floors: no library, only the primitives it is
// built on.

#include <cstdint>

#include "absl/time/time.h"
#include "benchmarks/or_throw.h"
#include "benchmarks/peer_roles.h"
#include "benchmarks/ping_pong_line.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "zerobuffer/cpu_relax.h"

namespace zerobuffer::bench {
namespace {

// The library waits in slices of its liveness interval; the floor waits
// the same way, so both pay for the same timed wait.
constexpr absl::Duration kWaitSlice = absl::Milliseconds(100);

// Spins between two checks that the benchmark is still there.
constexpr uint64_t kSpinsPerParentCheck = uint64_t{1} << 22;

// Waits for a signal on `semaphore`: true once taken, false when the
// benchmark (`parent`) died meanwhile.
bool AwaitWhileParentLives(platform::ProcessId parent,
                           platform::NamedSemaphore& semaphore) {
  while (!TakenOrThrow(semaphore, kWaitSlice, "a floor semaphore")) {
    if (!platform::IsProcessAlive(parent)) return false;
  }
  return true;
}

}  // namespace

bool AnswerPing(platform::ProcessId parent, platform::NamedSemaphore& ping,
                platform::NamedSemaphore& pong) {
  if (!AwaitWhileParentLives(parent, ping)) return false;
  ThrowIfFailed(pong.Post(), "pong");
  return true;
}

int RunSemaphoreEcho(platform::ProcessId parent, const std::string& control,
                     const std::string& ping, const std::string& pong) {
  platform::SharedMemory segment =
      OrThrow(platform::SharedMemory::Open(control), control);
  platform::NamedSemaphore pings =
      OrThrow(platform::NamedSemaphore::Open(ping), ping);
  platform::NamedSemaphore pongs =
      OrThrow(platform::NamedSemaphore::Open(pong), pong);
  const std::atomic_ref<uint64_t> counter = PingPongCounter(segment.data());
  AnnounceReady();
  while (true) {
    // The stop word comes with a ping of its own, answered by nobody.
    if (!AwaitWhileParentLives(parent, pings)) return 1;
    if (counter.load(std::memory_order_acquire) == kPingPongStop) return 0;
    ThrowIfFailed(pongs.Post(), pong);
  }
}

int RunSpinEcho(platform::ProcessId parent, const std::string& control,
                const std::string& go) {
  platform::SharedMemory segment =
      OrThrow(platform::SharedMemory::Open(control), control);
  platform::NamedSemaphore wake_ups =
      OrThrow(platform::NamedSemaphore::Open(go), go);
  const std::atomic_ref<uint64_t> counter = PingPongCounter(segment.data());
  AnnounceReady();
  uint64_t expected = 1;
  uint64_t spins = 0;
  while (true) {
    const uint64_t seen = counter.load(std::memory_order_acquire);
    if (seen == expected) {
      counter.store(expected + 1, std::memory_order_release);
      expected += 2;
    } else if (seen == kPingPongStop) {
      return 0;
    } else if (seen == kPingPongPause) {
      counter.store(kPingPongPaused, std::memory_order_release);
      if (!AwaitWhileParentLives(parent, wake_ups)) return 1;
    } else {
      CpuRelax();
      if (++spins % kSpinsPerParentCheck == 0 &&
          !platform::IsProcessAlive(parent)) {
        return 1;
      }
    }
  }
}

}  // namespace zerobuffer::bench
