#include "steps/edge_cases/ring_inspection.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "steps/step_failure.h"
#include "steps/support/endpoints.h"
#include "steps/support/scoped_write_timeout.h"

namespace zerobuffer::steps {
namespace {

// The reader moves R and read_count one after the other; a walk needs a
// pair that belongs together.
constexpr int kSnapshotAttempts = 20;

}  // namespace

RecordedWrite WriteAndRecord(Writer& writer,
                             std::span<const std::byte> payload) {
  writer.write_frame(payload);
  const OIEB oieb = writer.oieb_snapshot();
  RecordedWrite write;
  write.size = payload.size();
  write.sequence = writer.frames_written();
  // Frames never straddle the ring end, so the header sits right before
  // the new write position, or at the end of the ring when it wrapped to 0.
  const uint64_t frame_bytes = kFrameHeaderSize + payload.size();
  write.offset = (oieb.payload_write_pos + oieb.payload_size - frame_bytes) %
                 oieb.payload_size;
  write.payload.assign(payload.begin(), payload.end());
  return write;
}

absl::Status ExpectFrameInRing(const SegmentAccess& segment,
                               const RecordedWrite& write) {
  const uint64_t ring_size = segment.ring_size();
  if (write.offset + kFrameHeaderSize + write.size > ring_size) {
    return Failed(absl::StrCat("a ", write.size, "-byte frame at offset ",
                               write.offset, " would pass the end of the ",
                               ring_size, "-byte ring"));
  }
  const FrameHeader header = segment.HeaderAt(write.offset);
  if (header.payload_size != write.size ||
      header.sequence_number != write.sequence) {
    return Failed(absl::StrCat(
        "the header at ring offset ", write.offset, " says ",
        header.payload_size, " bytes, sequence ", header.sequence_number,
        "; expected ", write.size, " bytes, sequence ", write.sequence));
  }
  const std::byte* payload = segment.ring() + write.offset + kFrameHeaderSize;
  for (size_t i = 0; i < write.payload.size(); ++i) {
    if (payload[i] != write.payload[i]) {
      return Failed(
          absl::StrCat("frame ", write.sequence, " at ring offset ",
                       write.offset, " differs from what was written at byte ",
                       i, ": ", static_cast<int>(payload[i]), " instead of ",
                       static_cast<int>(write.payload[i])));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RecordedWrite> LastWriteInRing(StepContext& context) {
  const std::optional<RecordedWrite>& last =
      context.State<EdgeWriteState>().last;
  if (!last.has_value()) return Failed("no frame has been written");
  const Writer& writer = context.State<Endpoints>().writer();
  const absl::Status in_ring =
      ExpectFrameInRing(SegmentAccess(writer.name()), *last);
  if (!in_ring.ok()) return in_ring;
  return *last;
}

absl::StatusOr<QueuedItems> WalkQueuedItems(const SegmentAccess& segment) {
  const OiebView& oieb = segment.oieb();
  uint64_t read_pos = 0;
  uint64_t read_count = 0;
  bool settled = false;
  for (int attempt = 0; attempt < kSnapshotAttempts && !settled; ++attempt) {
    read_pos = oieb.Load(&OIEB::payload_read_pos);
    read_count = oieb.Load(&OIEB::payload_read_count);
    settled = read_pos == oieb.Load(&OIEB::payload_read_pos) &&
              read_count == oieb.Load(&OIEB::payload_read_count);
  }
  if (!settled) {
    return absl::UnavailableError(
        "the reader kept moving; no consistent read position to walk from");
  }
  // Loaded after the read side: every item it counts is fully published.
  const uint64_t written_count = oieb.Load(&OIEB::payload_written_count);
  const uint64_t ring_size = segment.ring_size();
  if (written_count < read_count || read_pos >= ring_size) {
    return Failed(absl::StrCat("the OIEB is inconsistent: written ",
                               written_count, ", read ", read_count,
                               ", read_pos ", read_pos, " of ", ring_size));
  }
  QueuedItems queued;
  uint64_t pos = read_pos;
  for (uint64_t item = read_count; item < written_count; ++item) {
    if (ring_size - pos < kFrameHeaderSize) {
      // A tail too short for a marker: skipped without being an item.
      queued.bytes += ring_size - pos;
      pos = 0;
    }
    const FrameHeader header = segment.HeaderAt(pos);
    if (header.IsWrapMarker()) {
      ++queued.markers;
      queued.bytes += ring_size - pos;
      pos = 0;
      continue;
    }
    if (header.payload_size > ring_size - pos - kFrameHeaderSize) {
      return Failed(absl::StrCat(
          "queued item ", item - read_count + 1, " at ring offset ", pos,
          " claims ", header.payload_size, " bytes, past the end of the ",
          ring_size, "-byte ring (sequence ", header.sequence_number, ")"));
    }
    queued.frames.push_back(header);
    queued.offsets.push_back(pos);
    queued.bytes += kFrameHeaderSize + header.payload_size;
    pos = (pos + kFrameHeaderSize + header.payload_size) % ring_size;
  }
  return queued;
}

absl::Status ExpectWriteToWait(Writer& writer, absl::Duration patience) {
  const OIEB before = writer.oieb_snapshot();
  ScopedWriteTimeout timeout(writer, patience);
  const std::byte probe[1] = {std::byte{0x5A}};
  const absl::Time start = absl::Now();
  try {
    writer.write_frame(probe, sizeof(probe));
  } catch (const BufferFullException& error) {
    const absl::Duration waited = absl::Now() - start;
    // The library gives up early only for a frame that can never fit,
    // which a 1-byte frame always can: an early give-up is no wait.
    if (waited < patience * 0.9) {
      return Failed(
          absl::StrCat("the write gave up after ", absl::FormatDuration(waited),
                       " instead of waiting ", absl::FormatDuration(patience),
                       ": ", error.what()));
    }
    return absl::OkStatus();
  }
  return Failed(
      absl::StrCat("a 1-byte frame was written at once: the ring had room (",
                   DescribeRing(before), ")"));
}

absl::StatusOr<double> ParsePercent(const std::string& text) {
  absl::string_view number(text);
  double percent = 0;
  if (!absl::ConsumeSuffix(&number, "%") ||
      !absl::SimpleAtod(number, &percent) || !(percent > 0) || percent > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a percentage in (0%, 100%]"));
  }
  return percent;
}

OIEB CurrentOieb(StepContext& context) {
  Endpoints& endpoints = context.State<Endpoints>();
  if (endpoints.has_writer()) return endpoints.writer().oieb_snapshot();
  if (endpoints.has_reader()) return endpoints.reader().oieb_snapshot();
  throw StepFailure(
      "this process has neither a reader nor a writer to inspect a ring of");
}

std::string DescribeRing(const OIEB& oieb) {
  return absl::StrCat("free ", oieb.payload_free_bytes, " of ",
                      oieb.payload_size, ", write_pos ", oieb.payload_write_pos,
                      ", read_pos ", oieb.payload_read_pos, ", written ",
                      oieb.payload_written_count, ", read ",
                      oieb.payload_read_count);
}

}  // namespace zerobuffer::steps
