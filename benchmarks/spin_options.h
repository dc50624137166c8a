// The two waiting configurations every latency figure is given for.

#ifndef ZEROBUFFER_BENCHMARKS_SPIN_OPTIONS_H_
#define ZEROBUFFER_BENCHMARKS_SPIN_OPTIONS_H_

#include <chrono>
#include <cstdint>

#include "zerobuffer/config.h"

namespace zerobuffer::bench {

// A benchmark argument: 0 blocks at once (spin_before_block = 0 on both
// sides), 1 uses the library's default spin-before-block.
inline std::chrono::microseconds SpinFor(int64_t spin_argument) {
  return spin_argument != 0 ? DefaultSpinBeforeBlock()
                            : std::chrono::microseconds(0);
}

inline ReaderOptions ReaderWithSpin(std::chrono::microseconds spin) {
  ReaderOptions options;
  options.spin_before_block = spin;
  return options;
}

inline WriterOptions WriterWithSpin(std::chrono::microseconds spin) {
  WriterOptions options;
  options.spin_before_block = spin;
  return options;
}

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_SPIN_OPTIONS_H_
