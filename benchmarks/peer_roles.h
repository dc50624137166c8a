// The roles of bench_peer, the process on the other side of the
// cross-process benchmarks. Each takes the benchmark's PID (so that it
// never outlives it) and its own arguments, writes "ready" on stdout once
// set up, and returns the process's exit code.

#ifndef ZEROBUFFER_BENCHMARKS_PEER_ROLES_H_
#define ZEROBUFFER_BENCHMARKS_PEER_ROLES_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "platform/process.h"
#include "platform/semaphore.h"

namespace zerobuffer::bench {

// Tells the benchmark that the peer's buffers are created or connected.
void AnnounceReady();

// Creates reader `ping` (a `ring_bytes` ring) and connects a writer to the
// existing buffer `pong`; forwards every frame from ping to pong with one
// memcpy into a get_frame_buffer slot, until a frame stamped kStopStamp.
// With `echo` semaphores (ping, pong; both names empty for none) it also
// answers one raw semaphore ping after each frame: the benchmark's floor,
// measured between the same two processes as the frames.
struct EchoSemaphores {
  std::string ping;
  std::string pong;
};
int RunRelay(platform::ProcessId parent, const std::string& ping,
             const std::string& pong, uint64_t ring_bytes,
             std::chrono::microseconds spin, const EchoSemaphores& echo);

// Connects a writer to `name` and writes `frame_bytes` frames as fast as
// the ring allows, until the reader goes away: by write_frame from a
// ready-made buffer (`zero_copy` false), or by filling a get_frame_buffer
// slot in place (memset), so both write every byte of the frame once.
int RunStreamWriter(platform::ProcessId parent, const std::string& name,
                    uint64_t frame_bytes, bool zero_copy,
                    std::chrono::microseconds spin);

// Creates reader `name` and reads (and releases) frames, sleeping `delay`
// after each, until the writer leaves.
int RunPacedReader(platform::ProcessId parent, const std::string& name,
                   uint64_t ring_bytes, std::chrono::microseconds spin,
                   std::chrono::microseconds delay);

// Raw floors over the control segment `control` (ping_pong_line.h).
// Semaphore echo: posts `pong` for every `ping` it waits for. Spin echo:
// spins on the counter and answers each odd value with the next even one;
// on kPingPongPause it answers kPingPongPaused and blocks on semaphore
// `go` until the benchmark wants it again. Both end on kPingPongStop.
// Waits for a post of `ping` and posts `pong`. False if the benchmark
// ended meanwhile.
bool AnswerPing(platform::ProcessId parent, platform::NamedSemaphore& ping,
                platform::NamedSemaphore& pong);

int RunSemaphoreEcho(platform::ProcessId parent, const std::string& control,
                     const std::string& ping, const std::string& pong);
int RunSpinEcho(platform::ProcessId parent, const std::string& control,
                const std::string& go);

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_PEER_ROLES_H_
