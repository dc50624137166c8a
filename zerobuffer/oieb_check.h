// What a writer checks before it trusts an OIEB it did not create.

#ifndef ZEROBUFFER_ZEROBUFFER_OIEB_CHECK_H_
#define ZEROBUFFER_ZEROBUFFER_OIEB_CHECK_H_

#include <cstdint>

#include "absl/status/status.h"
#include "zerobuffer/layout.h"

namespace zerobuffer {

// OK when `oieb` describes a protocol v1 buffer that fits in a segment of
// `segment_size` bytes and whose positions lie inside its ring; otherwise
// FailedPrecondition naming the first field that is wrong. Only checks what
// a peer could rely on: 128-byte OIEB, major version 1, block sizes that fit
// the segment, positions and counters within the ring.
absl::Status CheckOiebForConnect(const OIEB& oieb, uint64_t segment_size);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_OIEB_CHECK_H_
