// The peer roles that use the library: relay, stream writer, paced reader.

#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "benchmarks/frame_stamp.h"
#include "benchmarks/or_throw.h"
#include "benchmarks/peer_roles.h"
#include "benchmarks/spin_options.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::bench {
namespace {

// How long a peer waits for its next frame before it checks that the
// benchmark is still there.
constexpr std::chrono::seconds kIdleCheck{1};

}  // namespace

int RunRelay(platform::ProcessId parent, const std::string& ping,
             const std::string& pong, uint64_t ring_bytes,
             std::chrono::microseconds spin, const EchoSemaphores& echo) {
  Reader requests(ping, BufferConfig(0, ring_bytes), ReaderWithSpin(spin));
  Writer responses(pong, WriterWithSpin(spin));
  std::optional<platform::NamedSemaphore> echo_pings;
  std::optional<platform::NamedSemaphore> echo_pongs;
  if (!echo.ping.empty()) {
    echo_pings.emplace(
        OrThrow(platform::NamedSemaphore::Open(echo.ping), echo.ping));
    echo_pongs.emplace(
        OrThrow(platform::NamedSemaphore::Open(echo.pong), echo.pong));
  }
  AnnounceReady();
  while (true) {
    {
      const Frame request = requests.read_frame(kIdleCheck);
      if (!request.valid()) {
        if (!platform::IsProcessAlive(parent)) return 1;
        continue;
      }
      if (FrameStamp(request.span()) == kStopStamp) return 0;
      uint64_t sequence;
      const std::span<std::byte> slot =
          responses.get_frame_buffer(request.size(), sequence);
      std::memcpy(slot.data(), request.data(), request.size());
      responses.commit_frame();
      // The request is released only now, off the response's path.
    }
    if (echo_pings.has_value() &&
        !AnswerPing(parent, *echo_pings, *echo_pongs)) {
      return 1;
    }
  }
}

int RunStreamWriter(platform::ProcessId parent, const std::string& name,
                    uint64_t frame_bytes, bool zero_copy,
                    std::chrono::microseconds spin) {
  Writer writer(name, WriterWithSpin(spin));
  // Filled (so every page is backed) before the stream starts.
  std::vector<std::byte> source(frame_bytes, std::byte{0x5a});
  AnnounceReady();
  uint64_t stamp = 1;
  while (true) {
    try {
      if (zero_copy) {
        uint64_t sequence;
        const std::span<std::byte> slot =
            writer.get_frame_buffer(frame_bytes, sequence);
        // Produced in place: every byte written once, as a renderer
        // drawing into the slot would.
        std::memset(slot.data(), 0x5a, slot.size());
        StampFrame(slot, stamp);
        writer.commit_frame();
      } else {
        StampFrame(source, stamp);
        writer.write_frame(source.data(), source.size());
      }
      ++stamp;
    } catch (const ReaderDeadException&) {
      return 0;  // The benchmark read what it needed and closed.
    } catch (const BufferFullException&) {
      // The benchmark paused between two of its runs; go on if it is there.
      if (!platform::IsProcessAlive(parent)) return 1;
    }
  }
}

int RunPacedReader(platform::ProcessId parent, const std::string& name,
                   uint64_t ring_bytes, std::chrono::microseconds spin,
                   std::chrono::microseconds delay) {
  Reader reader(name, BufferConfig(0, ring_bytes), ReaderWithSpin(spin));
  AnnounceReady();
  while (true) {
    Frame frame;
    try {
      frame = reader.read_frame(kIdleCheck);
    } catch (const WriterDeadException&) {
      return 0;  // The benchmark wrote what it meant to and left.
    }
    if (!frame.valid()) {
      if (!platform::IsProcessAlive(parent)) return 1;
      continue;
    }
    frame.release();
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
  }
}

}  // namespace zerobuffer::bench
