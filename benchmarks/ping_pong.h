// The raw cross-process floors, benchmark side: a round trip through two
// named semaphores, and a round trip on one shared cache line. Nothing of
// the library is involved, so these are what the library's round trips
// cost at the very least.

#ifndef ZEROBUFFER_BENCHMARKS_PING_PONG_H_
#define ZEROBUFFER_BENCHMARKS_PING_PONG_H_

#include <cstdint>
#include <optional>
#include <string>

#include "benchmarks/peer_process.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"

namespace zerobuffer::bench {

// Two semaphores created here: RoundTrip posts "ping" and blocks on
// "pong", which the process at the other end posts for every ping: two
// wake-ups per round trip, like a blocking relay. That process opens them
// by name (ping_name(), pong_name()).
class SemaphorePair {
 public:
  SemaphorePair();
  // Removes the names if RemoveNames has not.
  ~SemaphorePair();
  SemaphorePair(const SemaphorePair&) = delete;
  SemaphorePair& operator=(const SemaphorePair&) = delete;

  const std::string& ping_name() const { return ping_name_; }
  const std::string& pong_name() const { return pong_name_; }

  // Once the other side has opened them the names serve nobody; removing
  // them then means nothing stays behind however the run ends.
  void RemoveNames();

  void Ping();
  void RoundTrip();

 private:
  const std::string ping_name_;
  const std::string pong_name_;
  platform::NamedSemaphore pings_;
  platform::NamedSemaphore pongs_;
  bool names_removed_ = false;
};

// A SemaphorePair answered by an echo peer process.
class SemaphorePingPong {
 public:
  // Creates the objects and starts the echo peer; throws on failure.
  SemaphorePingPong();

  void RoundTrip() { semaphores_.RoundTrip(); }
  // Ends the peer; throws if it failed. Without it the destructor kills it.
  void Stop();

 private:
  const std::string control_name_;
  platform::SharedMemory control_;
  SemaphorePair semaphores_;
  std::optional<PeerProcess> peer_;
};

// Stores an odd value into a shared counter; the peer, spinning on it,
// answers with the next even one, on which this side spins.
class SpinPingPong {
 public:
  SpinPingPong();

  void RoundTrip();
  // Parks the peer on a semaphore, so that it leaves the CPUs to whatever
  // is measured next instead of spinning; the next RoundTrip wakes it.
  void Pause();
  void Stop();

 private:
  const std::string control_name_;
  const std::string go_name_;
  platform::SharedMemory control_;
  platform::NamedSemaphore go_;
  uint64_t next_ping_ = 1;
  bool paused_ = false;
  std::optional<PeerProcess> peer_;
};

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_PING_PONG_H_
