#include "steps/support/write_when_room.h"

#include "absl/time/clock.h"
#include "steps/support/scoped_write_timeout.h"
#include "zerobuffer/free_space.h"

namespace zerobuffer::steps {
namespace {

bool NeverFits(const Writer& writer, size_t size) {
  const OIEB oieb = writer.oieb_snapshot();
  return PlanWrite(oieb.payload_size, oieb.payload_write_pos,
                   kFrameHeaderSize + size, oieb.payload_free_bytes)
             .kind == WritePlan::Kind::kNeverFits;
}

}  // namespace

bool WriteWhenRoom(Writer& writer, std::span<const std::byte> frame,
                   std::stop_token stop, absl::Time give_up,
                   const std::function<void()>& waited, absl::Duration slice) {
  ScopedWriteTimeout timeout(writer, slice);
  while (true) {
    try {
      writer.write_frame(frame);
      return true;
    } catch (const BufferFullException&) {
      // A slice without room is the wait this function exists for; a frame
      // that no amount of reading makes room for is the caller's error.
      if (NeverFits(writer, frame.size())) throw;
    }
    if (waited) waited();
    if (stop.stop_requested() || absl::Now() >= give_up) return false;
  }
}

}  // namespace zerobuffer::steps
