// The check that a buffer has no metadata block, which the scenarios about
// buffers created without metadata share (3.3, 4.3).

#ifndef ZEROBUFFER_STEPS_SUPPORT_METADATA_BLOCK_H_
#define ZEROBUFFER_STEPS_SUPPORT_METADATA_BLOCK_H_

#include "absl/status/status.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {

// OK when the buffer of `reader` has no metadata block: none in its OIEB,
// nothing written there, nothing the reader sees; otherwise a failure with
// the three sizes.
absl::Status ExpectNoMetadataBlock(const Reader& reader);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_METADATA_BLOCK_H_
