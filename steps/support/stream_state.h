// What the reader and writer sides of a scenario remember between steps,
// shared by every step library: a frame held until "signals space
// available", a copy of the last payload for the "validate" steps, the
// sequence numbers read so far, and a pending zero-copy reservation.

#ifndef ZEROBUFFER_STEPS_SUPPORT_STREAM_STATE_H_
#define ZEROBUFFER_STEPS_SUPPORT_STREAM_STATE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {

struct ReadState {
  // Kept until "signals space available".
  Frame held;
  // A copy of the last frame read.
  std::vector<std::byte> last_payload;
  uint64_t last_sequence = 0;
  // Sequence numbers of frames read, in order.
  std::vector<uint64_t> sequences;
  std::optional<std::string> sequence_error;

  // Copies `frame`'s payload and sequence as the last frame read.
  void Remember(const Frame& frame);
};

struct WriteState {
  size_t zero_copy_size = 0;
  bool zero_copy_reserved = false;
  int frames_until_full = 0;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_STREAM_STATE_H_
