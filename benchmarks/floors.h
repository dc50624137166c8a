// The floors the library's figures are judged against: memcpy bandwidth
// per frame size, and the raw cross-process semaphore and spin ping-pongs
// (ping_pong.h), each as a benchmark of its own.
//
// The round trips measure their ping-pong floors again, interleaved with
// themselves (roundtrip_latency_benchmark.cc); memcpy, which no other
// process disturbs, is measured once per size and run: by BM_MemcpyFloor
// when it ran earlier (it is registered before the benchmarks that divide
// by it), else on first use.

#ifndef ZEROBUFFER_BENCHMARKS_FLOORS_H_
#define ZEROBUFFER_BENCHMARKS_FLOORS_H_

#include <cstdint>

#include "benchmark/benchmark.h"

namespace zerobuffer::bench {

// Arg: bytes per copy, between two pre-touched buffers of that size.
// Counters: GBps, us_per_copy.
void BM_MemcpyFloor(benchmark::State& state);
// One iteration = one round trip. Latency counters (latency_stats.h).
void BM_SemaphorePingPongFloor(benchmark::State& state);
void BM_SpinPingPongFloor(benchmark::State& state);

double MemcpySecondsPerCopy(int64_t bytes);
double MemcpyBytesPerSecond(int64_t bytes);

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_FLOORS_H_
