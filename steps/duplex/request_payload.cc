#include "steps/duplex/request_payload.h"

#include <utility>

#include "steps/support/data_patterns.h"

namespace zerobuffer::steps::duplex_steps {

RequestPayload::RequestPayload(std::vector<std::byte> bytes)
    : size_(bytes.size()) {
  if (!bytes.empty() &&
      !FindPatternMismatch(bytes, static_cast<uint64_t>(bytes[0]))) {
    pattern_start_ = bytes[0];
  } else {
    copy_ = std::move(bytes);
  }
}

std::byte RequestPayload::operator[](size_t index) const {
  return pattern_start_.has_value()
             ? PatternByte(index, static_cast<uint64_t>(*pattern_start_))
             : copy_[index];
}

RequestPayload::operator std::vector<std::byte>() const {
  if (!pattern_start_.has_value()) return copy_;
  return MakePattern(size_, static_cast<uint64_t>(*pattern_start_));
}

}  // namespace zerobuffer::steps::duplex_steps
