#include "steps/support/data_patterns.h"

namespace zerobuffer::steps {

void FillPattern(std::span<std::byte> out, uint64_t sequence) {
  for (size_t i = 0; i < out.size(); ++i) out[i] = PatternByte(i, sequence);
}

std::vector<std::byte> MakePattern(size_t size, uint64_t sequence) {
  std::vector<std::byte> data(size);
  FillPattern(data, sequence);
  return data;
}

std::optional<size_t> FindPatternMismatch(std::span<const std::byte> data,
                                          uint64_t sequence) {
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] != PatternByte(i, sequence)) return i;
  }
  return std::nullopt;
}

}  // namespace zerobuffer::steps
