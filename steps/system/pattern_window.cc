#include "steps/system/pattern_window.h"

#include <cstring>

#include "steps/support/data_patterns.h"

namespace zerobuffer::steps {
namespace {

// The pattern repeats every 256 bytes, so the frame of sequence s starts
// at offset s % 256 of the frame of sequence 0.
constexpr size_t kPeriod = 256;

}  // namespace

void PatternWindow::Reserve(size_t max_size) {
  if (block_.size() >= max_size + kPeriod) return;
  block_.resize(max_size + kPeriod);
  FillPattern(block_, 0);
}

std::span<const std::byte> PatternWindow::Slice(size_t size,
                                                uint64_t sequence) const {
  return {block_.data() + sequence % kPeriod, size};
}

bool PatternWindow::Matches(std::span<const std::byte> data, uint64_t sequence,
                            size_t from) {
  if (from >= data.size()) return true;
  Reserve(data.size());
  return std::memcmp(data.data() + from,
                     Slice(data.size(), sequence).data() + from,
                     data.size() - from) == 0;
}

}  // namespace zerobuffer::steps
