// The test-data patterns every ZeroBuffer implementation's scenario steps
// agree on (step-catalog 2.2), so a reader in one language can check what a
// writer in another produced:
//
//   frame with sequence s:  byte[i] = (i + s) mod 256
//   simple frame, metadata: byte[i] = i mod 256  (the pattern for s = 0)

#ifndef ZEROBUFFER_STEPS_SUPPORT_DATA_PATTERNS_H_
#define ZEROBUFFER_STEPS_SUPPORT_DATA_PATTERNS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace zerobuffer::steps {

void FillPattern(std::span<std::byte> out, uint64_t sequence);

std::vector<std::byte> MakePattern(size_t size, uint64_t sequence);

// The index of the first byte that breaks the pattern, or nullopt.
std::optional<size_t> FindPatternMismatch(std::span<const std::byte> data,
                                          uint64_t sequence);

// The pattern byte expected at `index`.
constexpr std::byte PatternByte(size_t index, uint64_t sequence) {
  return static_cast<std::byte>((index + sequence) & 0xFF);
}

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_DATA_PATTERNS_H_
