#include "zerobuffer/oieb_check.h"

#include "absl/strings/str_cat.h"

namespace zerobuffer {

absl::Status CheckOiebForConnect(const OIEB& oieb, uint64_t segment_size) {
  if (oieb.oieb_size != kOiebSize) {
    return absl::FailedPreconditionError(absl::StrCat(
        "OIEB size is ", oieb.oieb_size, ", expected ", kOiebSize));
  }
  if (!oieb.version.IsCompatibleWith(kCurrentProtocolVersion)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Incompatible protocol version ", oieb.version.major, ".",
        oieb.version.minor, ".", oieb.version.patch, ", expected 1.x"));
  }
  const uint64_t ring = oieb.payload_size;
  if (ring <= kFrameHeaderSize) {
    return absl::FailedPreconditionError(
        absl::StrCat("payload_size ", ring, " cannot hold a single frame"));
  }
  // Compared piecewise so that huge stored sizes cannot overflow.
  if (segment_size < kOiebSize ||
      oieb.metadata_size > segment_size - kOiebSize ||
      ring > segment_size - kOiebSize - oieb.metadata_size) {
    return absl::FailedPreconditionError(absl::StrCat(
        "metadata_size ", oieb.metadata_size, " and payload_size ", ring,
        " do not fit in a segment of ", segment_size, " bytes"));
  }
  if (oieb.metadata_written_bytes > oieb.metadata_size) {
    return absl::FailedPreconditionError(
        absl::StrCat("metadata_written_bytes ", oieb.metadata_written_bytes,
                     " exceeds metadata_size ", oieb.metadata_size));
  }
  if (oieb.payload_write_pos > ring || oieb.payload_read_pos > ring) {
    return absl::FailedPreconditionError(absl::StrCat(
        "positions (write ", oieb.payload_write_pos, ", read ",
        oieb.payload_read_pos, ") lie outside the ", ring, "-byte ring"));
  }
  if (oieb.payload_free_bytes > ring) {
    return absl::FailedPreconditionError(
        absl::StrCat("payload_free_bytes ", oieb.payload_free_bytes,
                     " exceeds payload_size ", ring));
  }
  return absl::OkStatus();
}

}  // namespace zerobuffer
