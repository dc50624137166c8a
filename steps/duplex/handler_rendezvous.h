// Proves that a duplex server has several requests in progress at once,
// without timing anything: the handlers of requests 1..N, N+1..2N, ... (by
// sequence number) meet in groups of N, each waiting until its whole group
// is in progress, and then finish last first, so responses are produced out
// of request order.
//
// A server that never has N requests in progress cannot get a group
// together: the first wait gives up after `patience` and records why, and
// later waits are skipped, so such a server still answers promptly and the
// failure is reported rather than hung on.
//
// Groups are keyed by sequence number, which restarts with each client
// session. So the first session's groups prove the overlap; a later
// session's requests find their groups met and their successors finished
// already, and pass straight through: they prove nothing, and nothing
// holds them up.

#ifndef ZEROBUFFER_STEPS_DUPLEX_HANDLER_RENDEZVOUS_H_
#define ZEROBUFFER_STEPS_DUPLEX_HANDLER_RENDEZVOUS_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace zerobuffer::steps::duplex_steps {

class HandlerRendezvous {
 public:
  HandlerRendezvous(size_t group_size, std::chrono::milliseconds patience);

  // Called by the handler of request `sequence` (numbered from 1); returns
  // when that handler may finish.
  void Meet(uint64_t sequence);
  // Ends every wait now and from now on (recorded as a failure unless every
  // group met), so that stopping a server never waits out the patience.
  void Release();

  // Why a group did not meet; nullopt while every group met.
  std::optional<std::string> failure() const;
  // The most handlers that were inside Meet at the same time.
  size_t most_in_progress() const;
  // Sequence numbers in the order their handlers left Meet.
  std::vector<uint64_t> finish_order() const;
  size_t group_size() const { return group_size_; }

 private:
  // Waits (holding `lock`) until `done` holds; records `problem` and gives
  // up when the patience runs out or the rendezvous is released.
  template <typename Done>
  void AwaitOrGiveUp(std::unique_lock<std::mutex>& lock, Done done,
                     const std::string& problem);

  const size_t group_size_;
  const std::chrono::milliseconds patience_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, size_t> arrived_;  // per group
  std::set<uint64_t> finished_;
  std::vector<uint64_t> finish_order_;
  size_t in_progress_ = 0;
  size_t most_in_progress_ = 0;
  bool released_ = false;
  std::optional<std::string> failure_;
};

}  // namespace zerobuffer::steps::duplex_steps

#endif  // ZEROBUFFER_STEPS_DUPLEX_HANDLER_RENDEZVOUS_H_
