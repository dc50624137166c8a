// Writing a frame without blocking a step for good: the write waits for
// room in short slices and gives up when the step's task is asked to stop,
// so a scenario that ends, or a serve whose input closed, never waits for a
// reader that is not coming.

#ifndef ZEROBUFFER_STEPS_SUPPORT_WRITE_WHEN_ROOM_H_
#define ZEROBUFFER_STEPS_SUPPORT_WRITE_WHEN_ROOM_H_

#include <cstddef>
#include <functional>
#include <span>
#include <stop_token>

#include "absl/time/time.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {

// Writes `frame`, waiting for room however long the reader takes, in slices
// of `slice` so that `stop` (or `give_up`) is noticed between them; true once
// written, false when stopped or past `give_up` first. Library errors
// propagate, including the FrameNeverFitsException for a frame that can
// never be placed at the current write position (protocol.md 6.2). `waited`
// is called after every slice that ended without room. The writer's write
// timeout is restored afterwards.
bool WriteWhenRoom(Writer& writer, std::span<const std::byte> frame,
                   std::stop_token stop,
                   absl::Time give_up = absl::InfiniteFuture(),
                   const std::function<void()>& waited = nullptr,
                   absl::Duration slice = absl::Milliseconds(100));

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_WRITE_WHEN_ROOM_H_
