#include "steps/support/stream_state.h"

namespace zerobuffer::steps {

void ReadState::Remember(const Frame& frame) {
  const std::span<const std::byte> payload = frame.span();
  last_payload.assign(payload.begin(), payload.end());
  last_sequence = frame.sequence();
}

}  // namespace zerobuffer::steps
