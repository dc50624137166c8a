// Assertions on frames that carry the test pattern (steps::MakePattern).

#ifndef ZEROBUFFER_TESTS_SUPPORT_FRAME_CHECKS_H_
#define ZEROBUFFER_TESTS_SUPPORT_FRAME_CHECKS_H_

#include <cstddef>
#include <cstdint>

#include "zerobuffer/frame.h"

namespace zerobuffer::testing {

// Expects `frame` to be valid, numbered `sequence`, `size` bytes long and
// filled with the pattern of `sequence`, byte for byte (so a frame that was
// overwritten in place is caught).
void ExpectFrame(const Frame& frame, uint64_t sequence, size_t size);

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_FRAME_CHECKS_H_
