// Turns a benchmark's failure into a skipped benchmark with the reason.

#ifndef ZEROBUFFER_BENCHMARKS_RUN_OR_SKIP_H_
#define ZEROBUFFER_BENCHMARKS_RUN_OR_SKIP_H_

#include <exception>

#include "benchmark/benchmark.h"

namespace zerobuffer::bench {

// Runs `body`; an exception marks the benchmark as failed
// ("error_occurred" in the JSON, which the smoke test checks) instead of
// ending the whole run, and its unwinding closes the buffers and peers.
template <typename Body>
void RunOrSkip(benchmark::State& state, Body&& body) {
  try {
    body();
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
  }
}

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_RUN_OR_SKIP_H_
