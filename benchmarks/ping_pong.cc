#include "benchmarks/ping_pong.h"

#include <stdexcept>
#include <string>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmarks/bench_names.h"
#include "benchmarks/or_throw.h"
#include "benchmarks/ping_pong_line.h"
#include "zerobuffer/cpu_relax.h"

namespace zerobuffer::bench {
namespace {

// The library waits in slices of its liveness interval, so the floor does
// too; a pong slower than the whole budget means the peer is stuck.
constexpr absl::Duration kWaitSlice = absl::Milliseconds(100);
constexpr int kSlicesBeforeGivingUp = 100;

platform::SharedMemory CreateControl(const std::string& name) {
  return OrThrow(
      platform::SharedMemory::CreateExclusive(name, kPingPongSegmentBytes),
      name);
}

}  // namespace

SemaphorePair::SemaphorePair()
    : ping_name_(UniqueName("sem-ping")),
      pong_name_(UniqueName("sem-pong")),
      pings_(OrThrow(platform::NamedSemaphore::CreateExclusive(ping_name_, 0),
                     ping_name_)),
      pongs_(OrThrow(platform::NamedSemaphore::CreateExclusive(pong_name_, 0),
                     pong_name_)) {}

SemaphorePair::~SemaphorePair() { RemoveNames(); }

void SemaphorePair::RemoveNames() {
  if (names_removed_) return;
  names_removed_ = true;
  platform::NamedSemaphore::Unlink(ping_name_).IgnoreError();
  platform::NamedSemaphore::Unlink(pong_name_).IgnoreError();
}

void SemaphorePair::Ping() { ThrowIfFailed(pings_.Post(), "ping"); }

void SemaphorePair::RoundTrip() {
  Ping();
  for (int slice = 0; slice < kSlicesBeforeGivingUp; ++slice) {
    if (TakenOrThrow(pongs_, kWaitSlice, "the pong semaphore")) return;
  }
  throw std::runtime_error("the semaphore echo stopped answering");
}

SemaphorePingPong::SemaphorePingPong()
    : control_name_(UniqueName("sem-floor")),
      control_(CreateControl(control_name_)) {
  const absl::Cleanup unlink = [this] {
    platform::SharedMemory::Unlink(control_name_).IgnoreError();
    semaphores_.RemoveNames();
  };
  peer_.emplace(PeerProcess::Start(
      "semaphore_echo",
      {control_name_, semaphores_.ping_name(), semaphores_.pong_name()}));
}

void SemaphorePingPong::Stop() {
  PingPongCounter(control_.data())
      .store(kPingPongStop, std::memory_order_release);
  semaphores_.Ping();
  peer_->Finish();
}

SpinPingPong::SpinPingPong()
    : control_name_(UniqueName("spin-floor")),
      go_name_(UniqueName("spin-floor-go")),
      control_(CreateControl(control_name_)),
      go_(OrThrow(platform::NamedSemaphore::CreateExclusive(go_name_, 0),
                  go_name_)) {
  const absl::Cleanup unlink = [this] {
    platform::SharedMemory::Unlink(control_name_).IgnoreError();
    platform::NamedSemaphore::Unlink(go_name_).IgnoreError();
  };
  peer_.emplace(PeerProcess::Start("spin_echo", {control_name_, go_name_}));
}

void SpinPingPong::RoundTrip() {
  if (paused_) {
    ThrowIfFailed(go_.Post(), "go");
    paused_ = false;
  }
  const std::atomic_ref<uint64_t> counter = PingPongCounter(control_.data());
  counter.store(next_ping_, std::memory_order_release);
  while (counter.load(std::memory_order_acquire) != next_ping_ + 1) {
    CpuRelax();
  }
  next_ping_ += 2;
}

void SpinPingPong::Pause() {
  if (paused_) return;
  const std::atomic_ref<uint64_t> counter = PingPongCounter(control_.data());
  counter.store(kPingPongPause, std::memory_order_release);
  while (counter.load(std::memory_order_acquire) != kPingPongPaused) {
    CpuRelax();
  }
  paused_ = true;
}

void SpinPingPong::Stop() {
  PingPongCounter(control_.data())
      .store(kPingPongStop, std::memory_order_release);
  // A parked peer has to wake up to see it.
  if (paused_) ThrowIfFailed(go_.Post(), "go");
  peer_->Finish();
}

}  // namespace zerobuffer::bench
