#include "steps/support/write_when_room.h"

#include "absl/time/clock.h"
#include "steps/support/scoped_write_timeout.h"

namespace zerobuffer::steps {

bool WriteWhenRoom(Writer& writer, std::span<const std::byte> frame,
                   std::stop_token stop, absl::Time give_up,
                   const std::function<void()>& waited, absl::Duration slice) {
  ScopedWriteTimeout timeout(writer, slice);
  while (true) {
    try {
      writer.write_frame(frame);
      return true;
    } catch (const FrameNeverFitsException&) {
      // No amount of reading makes room for it: the caller's error.
      throw;
    } catch (const BufferFullException&) {
      // A slice without room is the wait this function exists for.
    }
    if (waited) waited();
    if (stop.stop_requested() || absl::Now() >= give_up) return false;
  }
}

}  // namespace zerobuffer::steps
