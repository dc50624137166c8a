// The writer and reader loops of the feature-04 streams (4.5, 4.9), which
// record into FrameFlow, and how the steps judge what they recorded.

#ifndef ZEROBUFFER_STEPS_EDGE_CASES_STREAM_LOOPS_H_
#define ZEROBUFFER_STEPS_EDGE_CASES_STREAM_LOOPS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stop_token>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "steps/edge_cases/frame_flow.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {

// What a reader loop says about a frame it read: empty when it is fine.
using FrameCheck =
    std::function<std::string(const Frame& frame, uint64_t index)>;

// Writes `count` frames of `size` bytes filled by `fill`, waiting for room
// as long as the reader takes; records everything into `flow`.
absl::Status WriteStream(
    Writer& writer, FrameFlow& flow, uint64_t count, size_t size,
    const std::function<void(std::span<std::byte>, uint64_t index)>& fill,
    std::stop_token stop);

// Reads until the writer has left and every frame is read, `target` frames
// are in, `stop` or `give_up`; pauses `pause` after each frame, releasing
// it first. Records everything into `flow`.
void ReadStream(Reader& reader, FrameFlow& flow,
                const std::atomic<uint64_t>& target, absl::Duration pause,
                absl::Time give_up, const FrameCheck& check,
                std::stop_token stop);

// "100 frames (1..100), complete: ..., 5.06s".
std::string DescribeFlow(const FlowRecord& record);

// OK when `side`'s loop ("reader", "writer") saw frames 1..N in order, with
// nothing abandoned and no problem.
absl::Status ExpectCleanRecord(const FlowRecord& record, const char* side);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_EDGE_CASES_STREAM_LOOPS_H_
