#include "steps/duplex/handler_rendezvous.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace zerobuffer::steps::duplex_steps {

HandlerRendezvous::HandlerRendezvous(size_t group_size,
                                     std::chrono::milliseconds patience)
    : group_size_(std::max<size_t>(group_size, 1)), patience_(patience) {}

template <typename Done>
void HandlerRendezvous::AwaitOrGiveUp(std::unique_lock<std::mutex>& lock,
                                      Done done, const std::string& problem) {
  const bool met = changed_.wait_for(lock, patience_, [&] {
    return done() || released_ || failure_.has_value();
  });
  if (done() || failure_.has_value()) return;
  failure_ = met ? absl::StrCat(problem, " when the rendezvous was released")
                 : absl::StrCat(problem, " after ", patience_.count(), " ms");
  changed_.notify_all();
}

void HandlerRendezvous::Meet(uint64_t sequence) {
  std::unique_lock lock(mutex_);
  most_in_progress_ = std::max(most_in_progress_, ++in_progress_);
  const uint64_t group = (sequence - 1) / group_size_;
  const size_t arrived = ++arrived_[group];
  changed_.notify_all();
  AwaitOrGiveUp(
      lock, [&] { return arrived_[group] >= group_size_; },
      absl::StrCat("request ", sequence, " was in progress with only ",
                   arrived - 1, " other request(s) of its group of ",
                   group_size_, " (", in_progress_,
                   " in progress in all): the handlers did not overlap"));
  // Last first: each waits for the request after it in the group.
  const uint64_t last_of_group = (group + 1) * group_size_;
  if (sequence < last_of_group) {
    AwaitOrGiveUp(
        lock, [&] { return finished_.contains(sequence + 1); },
        absl::StrCat("request ", sequence, " waited in vain for request ",
                     sequence + 1, " to finish"));
  }
  finished_.insert(sequence);
  finish_order_.push_back(sequence);
  --in_progress_;
  changed_.notify_all();
}

void HandlerRendezvous::Release() {
  std::lock_guard lock(mutex_);
  released_ = true;
  changed_.notify_all();
}

std::optional<std::string> HandlerRendezvous::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

size_t HandlerRendezvous::most_in_progress() const {
  std::lock_guard lock(mutex_);
  return most_in_progress_;
}

std::vector<uint64_t> HandlerRendezvous::finish_order() const {
  std::lock_guard lock(mutex_);
  return finish_order_;
}

}  // namespace zerobuffer::steps::duplex_steps
