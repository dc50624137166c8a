#include "steps/lifecycle/frame_corruption.h"

#include <chrono>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "steps/step_failure.h"
#include "steps/support/data_patterns.h"
#include "steps/support/oieb_changes.h"
#include "steps/support/segment_access.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

constexpr std::chrono::milliseconds kReadTimeout{200};
// How far the damaged sequence number lies from the valid one.
constexpr uint64_t kSequenceSkew = 1000;

// A damaged header and the error the reader must raise for it.
struct Damage {
  FrameHeader header;
  ErrorCode error;
};

// The frame sits at ring offset 0 of a fresh buffer.
absl::StatusOr<Damage> DamageFor(const std::string& corruption_type,
                                 const FrameHeader& valid, uint64_t ring_size) {
  if (corruption_type == "payload_size > remaining") {
    // One byte more than the ring holds after the header.
    return Damage{{ring_size - kFrameHeaderSize + 1, valid.sequence_number},
                  ErrorCode::kInvalidFrameSize};
  }
  if (corruption_type == "sequence_number invalid") {
    return Damage{{valid.payload_size, valid.sequence_number + kSequenceSkew},
                  ErrorCode::kSequenceError};
  }
  if (corruption_type == "header magic corrupted") {
    // A v1 frame header has no magic number: the header as a whole is what
    // identifies a frame, so every bit of it is flipped.
    return Damage{{~valid.payload_size, ~valid.sequence_number},
                  ErrorCode::kInvalidFrameSize};
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown corruption_type '", corruption_type,
      "' (known: 'payload_size > remaining', 'sequence_number invalid', "
      "'header magic corrupted')"));
}

struct ReadOutcome {
  bool delivered = false;
  uint64_t sequence = 0;
  size_t size = 0;
  std::optional<ErrorCode> error;
  std::string message;
  // For a SequenceError.
  uint64_t expected_sequence = 0;
  uint64_t got_sequence = 0;

  std::string Describe() const {
    if (delivered) {
      return absl::StrCat("frame ", sequence, " of ", size,
                          " bytes was delivered");
    }
    if (error.has_value()) {
      return absl::StrCat(ErrorCodeName(*error), ": ", message);
    }
    return "the read timed out without an error";
  }
};

ReadOutcome TryRead(Reader& reader) {
  ReadOutcome outcome;
  try {
    const Frame frame = reader.read_frame(kReadTimeout);
    outcome.delivered = frame.valid();
    outcome.sequence = frame.sequence();
    outcome.size = frame.size();
  } catch (const SequenceError& error) {
    outcome.error = error.code();
    outcome.message = error.what();
    outcome.expected_sequence = error.expected();
    outcome.got_sequence = error.got();
  } catch (const ZeroBufferException& error) {
    outcome.error = error.code();
    outcome.message = error.what();
  }
  return outcome;
}

// The expected result's own check, after the common ones passed.
absl::Status CheckReaction(const std::string& expected_result, Reader& reader,
                           const SegmentAccess& segment,
                           const FrameHeader& valid, const Damage& damage,
                           const ReadOutcome& first) {
  if (expected_result == "reader detects error") {
    // The error names what is wrong with the header.
    if (damage.error == ErrorCode::kSequenceError) {
      if (first.expected_sequence != valid.sequence_number ||
          first.got_sequence != damage.header.sequence_number) {
        return Failed(absl::StrCat("the sequence error reports expected ",
                                   first.expected_sequence, " got ",
                                   first.got_sequence, "; the header expected ",
                                   valid.sequence_number, " and holds ",
                                   damage.header.sequence_number));
      }
      return absl::OkStatus();
    }
    if (!absl::StrContains(first.message,
                           absl::StrCat(damage.header.payload_size))) {
      return Failed(absl::StrCat("the error does not name the corrupt size ",
                                 damage.header.payload_size, ": ",
                                 first.message));
    }
    return absl::OkStatus();
  }
  if (expected_result == "reader rejects frame") {
    // The frame stays unread: asking again meets the same refusal.
    const ReadOutcome again = TryRead(reader);
    if (again.delivered || again.error != damage.error) {
      return Failed(absl::StrCat("a second read did not reject the frame ",
                                 "again: ", again.Describe()));
    }
    return absl::OkStatus();
  }
  if (expected_result == "reader handles gracefully") {
    // Nothing was consumed, so once the header is repaired the same reader
    // reads the frame intact.
    segment.SetHeader(0, valid);
    Frame frame = reader.read_frame(kReadTimeout);
    if (!frame.valid() || frame.sequence() != valid.sequence_number ||
        frame.size() != valid.payload_size) {
      return Failed(absl::StrCat(
          "after the header was repaired the reader did not deliver frame ",
          valid.sequence_number, " of ", valid.payload_size, " bytes (",
          frame.valid() ? absl::StrCat("got frame ", frame.sequence(), " of ",
                                       frame.size(), " bytes")
                        : "no frame",
          ")"));
    }
    if (auto bad = FindPatternMismatch(frame.span(), frame.sequence())) {
      return Failed(
          absl::StrCat("the repaired frame differs from its "
                       "pattern at byte ",
                       *bad));
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown expected_result '", expected_result,
      "' (known: 'reader handles gracefully', 'reader detects error', "
      "'reader rejects frame')"));
}

}  // namespace

const StepTable& DefaultCorruptionTable() {
  static const StepTable* const table = new StepTable{
      {"corruption_type", "expected_result"},
      {"payload_size > remaining", "reader handles gracefully"},
      {"sequence_number invalid", "reader detects error"},
      {"header magic corrupted", "reader rejects frame"},
  };
  return *table;
}

absl::Status RunCorruptionCase(const CorruptionCase& c,
                               const std::string& scratch_name,
                               size_t frame_size) {
  // Room for a few frames, so the frame under test is an ordinary one.
  const uint64_t ring = AlignToBlock(4 * (frame_size + kFrameHeaderSize));
  Reader reader(scratch_name, BufferConfig(0, ring));
  Writer writer(scratch_name);
  writer.write_frame(MakePattern(frame_size, 1));

  const SegmentAccess segment(scratch_name);
  const FrameHeader valid = segment.HeaderAt(0);
  if (valid.payload_size != frame_size || valid.sequence_number != 1) {
    return Failed(absl::StrCat("the frame just written has header {size ",
                               valid.payload_size, ", sequence ",
                               valid.sequence_number, "}, expected {size ",
                               frame_size, ", sequence 1}"));
  }
  const absl::StatusOr<Damage> damage =
      DamageFor(c.corruption_type, valid, segment.ring_size());
  if (!damage.ok()) return damage.status();
  segment.SetHeader(0, damage->header);

  const OIEB before = segment.Snapshot();
  const ReadOutcome first = TryRead(reader);
  const OIEB after = segment.Snapshot();
  if (first.delivered || first.error != damage->error) {
    return Failed(absl::StrCat("expected ", ErrorCodeName(damage->error),
                               ", but ", first.Describe()));
  }
  if (const std::optional<std::string> changed =
          DescribeChangedFields(before, after,
                                {{"read position", &OIEB::payload_read_pos},
                                 {"read count", &OIEB::payload_read_count},
                                 {"free bytes", &OIEB::payload_free_bytes}})) {
    return Failed(
        absl::StrCat("the refused read moved the reader: ", *changed));
  }
  return CheckReaction(c.expected_result, reader, segment, valid, *damage,
                       first);
}

}  // namespace zerobuffer::steps
