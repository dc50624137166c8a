// What the library's hot path is built from, one operation per iteration
// in one process: memory fences and atomic read-modify-writes (the OIEB
// updates of every frame), and named-semaphore operations without a peer
// (the signalling cost when nobody has to be woken).

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_names.h"
#include "benchmarks/or_throw.h"
#include "benchmarks/run_or_skip.h"
#include "platform/semaphore.h"

namespace zerobuffer::bench {
namespace {

// The baseline: only the compiler barrier every other case has too.
void BM_CompilerBarrierOnly(benchmark::State& state) {
  for (auto _ : state) benchmark::ClobberMemory();
}

template <std::memory_order kOrder>
void BM_ThreadFence(benchmark::State& state) {
  for (auto _ : state) {
    std::atomic_thread_fence(kOrder);
    benchmark::ClobberMemory();
  }
}

template <std::memory_order kOrder>
void BM_AtomicStore(benchmark::State& state) {
  std::atomic<uint64_t> word{0};
  uint64_t value = 0;
  for (auto _ : state) {
    word.store(++value, kOrder);
    benchmark::ClobberMemory();
  }
}

// payload_free_bytes is updated this way by both sides for every frame.
void BM_AtomicFetchAdd(benchmark::State& state) {
  std::atomic<uint64_t> word{0};
  for (auto _ : state) {
    word.fetch_add(1, std::memory_order_seq_cst);
    benchmark::ClobberMemory();
  }
}

// A semaphore only this process uses; its name goes at once. (On Windows
// there is no name to remove, Unlink says kUnimplemented: the name goes with
// the last handle.)
platform::NamedSemaphore PrivateSemaphore() {
  const std::string name = UniqueName("sem-cost");
  platform::NamedSemaphore semaphore =
      OrThrow(platform::NamedSemaphore::CreateExclusive(name, 0), name);
  const absl::Status unlinked = platform::NamedSemaphore::Unlink(name);
  if (!absl::IsUnimplemented(unlinked)) ThrowIfFailed(unlinked, name);
  return semaphore;
}

// A post nobody waits for, and the timed wait (as the library waits) that
// finds it: a frame's signal when the reader is not yet asleep.
void BM_SemaphorePostThenWait(benchmark::State& state) {
  RunOrSkip(state, [&] {
    platform::NamedSemaphore semaphore = PrivateSemaphore();
    for (auto _ : state) {
      ThrowIfFailed(semaphore.Post(), "post");
      if (!TakenOrThrow(semaphore, absl::Milliseconds(100), "sem-cost")) {
        throw std::runtime_error("a posted semaphore could not be taken");
      }
    }
  });
}

// The same with the non-blocking take a spinning reader uses.
void BM_SemaphorePostThenTryWait(benchmark::State& state) {
  RunOrSkip(state, [&] {
    platform::NamedSemaphore semaphore = PrivateSemaphore();
    for (auto _ : state) {
      ThrowIfFailed(semaphore.Post(), "post");
      if (!semaphore.TryWait()) {
        throw std::runtime_error("a posted semaphore was empty");
      }
    }
  });
}

// One poll of a spinning reader that finds nothing.
void BM_SemaphoreTryWaitEmpty(benchmark::State& state) {
  RunOrSkip(state, [&] {
    platform::NamedSemaphore semaphore = PrivateSemaphore();
    for (auto _ : state) benchmark::DoNotOptimize(semaphore.TryWait());
  });
}

BENCHMARK(BM_CompilerBarrierOnly);
BENCHMARK_TEMPLATE(BM_ThreadFence, std::memory_order_acquire);
BENCHMARK_TEMPLATE(BM_ThreadFence, std::memory_order_release);
BENCHMARK_TEMPLATE(BM_ThreadFence, std::memory_order_seq_cst);
BENCHMARK_TEMPLATE(BM_AtomicStore, std::memory_order_relaxed);
BENCHMARK_TEMPLATE(BM_AtomicStore, std::memory_order_release);
BENCHMARK_TEMPLATE(BM_AtomicStore, std::memory_order_seq_cst);
BENCHMARK(BM_AtomicFetchAdd);
BENCHMARK(BM_SemaphorePostThenWait);
BENCHMARK(BM_SemaphorePostThenTryWait);
BENCHMARK(BM_SemaphoreTryWaitEmpty);

}  // namespace
}  // namespace zerobuffer::bench
