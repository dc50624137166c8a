// The test pattern (i + s) % 256 (steps/support/data_patterns.h) for hot
// loops: every pattern frame of up to a chosen size is a slice of one
// block, so benchmark writers copy it without filling and readers check
// frames with memcmp instead of byte by byte.

#ifndef ZEROBUFFER_STEPS_SYSTEM_PATTERN_WINDOW_H_
#define ZEROBUFFER_STEPS_SYSTEM_PATTERN_WINDOW_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace zerobuffer::steps {

class PatternWindow {
 public:
  // Makes frames of up to `max_size` bytes available (growing as needed;
  // slices taken before a growth become invalid).
  void Reserve(size_t max_size);

  // MakePattern(size, sequence) without the copy. `size` must be reserved.
  std::span<const std::byte> Slice(size_t size, uint64_t sequence) const;

  // Whether `data` is the pattern of `sequence` from byte `from` on.
  bool Matches(std::span<const std::byte> data, uint64_t sequence,
               size_t from = 0);

 private:
  std::vector<std::byte> block_;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SYSTEM_PATTERN_WINDOW_H_
