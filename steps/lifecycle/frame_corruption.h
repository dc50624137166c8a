// Scenario 10.2's table: damage the header of an unread frame in real
// shared memory and check how the library's reader reacts. Harmony routes
// the table step to the writer process, which cannot see the reader of the
// scenario's buffer react, so each row runs on a scratch buffer whose
// reader and writer both live in the step's process.

#ifndef ZEROBUFFER_STEPS_LIFECYCLE_FRAME_CORRUPTION_H_
#define ZEROBUFFER_STEPS_LIFECYCLE_FRAME_CORRUPTION_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "steps/context.h"

namespace zerobuffer::steps {

// The table as the feature file writes it, header row first: for requests
// that carry no table (Harmony never sends one).
const StepTable& DefaultCorruptionTable();

struct CorruptionCase {
  // "payload_size > remaining", "sequence_number invalid" or "header magic
  // corrupted".
  std::string corruption_type;
  // "reader handles gracefully", "reader detects error" or "reader rejects
  // frame".
  std::string expected_result;
};

// Creates buffer `scratch_name`, writes one valid `frame_size`-byte frame,
// corrupts its header as `c.corruption_type` says and reads. Every row
// requires that no frame is delivered, that the library raises the error
// matching the damage and that the reader's position does not move; the
// expected result adds its own check. OK, or a failure with the numbers.
absl::Status RunCorruptionCase(const CorruptionCase& c,
                               const std::string& scratch_name,
                               size_t frame_size);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_LIFECYCLE_FRAME_CORRUPTION_H_
