// Puts responses back into request order: requests are numbered as they
// arrive, handlers finish in any order, and the writer takes responses
// strictly by number. At most `capacity` requests are in flight, which also
// bounds how many request frames the server holds.

#ifndef ZEROBUFFER_ZEROBUFFER_DUPLEX_RESPONSE_SEQUENCER_H_
#define ZEROBUFFER_ZEROBUFFER_DUPLEX_RESPONSE_SEQUENCER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

namespace zerobuffer::duplex {

template <typename Response>
class ResponseSequencer {
 public:
  explicit ResponseSequencer(size_t capacity) : capacity_(capacity) {}

  // The number of the next request, once fewer than `capacity` are in
  // flight; nullopt after Stop().
  std::optional<uint64_t> Reserve() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] {
      return stopped_ || next_reserved_ - next_delivered_ < capacity_;
    });
    if (stopped_) return std::nullopt;
    return next_reserved_++;
  }

  void Complete(uint64_t number, Response response) {
    std::lock_guard lock(mutex_);
    completed_.emplace(number, std::move(response));
    changed_.notify_all();
  }

  // Waits for the response with the next number and passes it to
  // `deliver` (called without the lock held); the number counts as
  // delivered once `deliver` returns. False after Stop().
  template <typename Deliver>
  bool DeliverNext(Deliver&& deliver) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] {
      return stopped_ || completed_.contains(next_delivered_);
    });
    if (stopped_) return false;
    auto it = completed_.find(next_delivered_);
    Response response = std::move(it->second);
    completed_.erase(it);
    lock.unlock();
    deliver(response);
    lock.lock();
    ++next_delivered_;
    changed_.notify_all();
    return true;
  }

  // Waits until every reserved number has been delivered, its `deliver`
  // call finished. True then: whoever handles or delivers responses is
  // done with everything reserved so far. False once Stop() came first;
  // deliveries may then still be running.
  bool WaitUntilIdle() {
    std::unique_lock lock(mutex_);
    changed_.wait(
        lock, [this] { return stopped_ || next_delivered_ == next_reserved_; });
    return next_delivered_ == next_reserved_;
  }

  // Wakes every waiter; pending responses are dropped.
  void Stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    completed_.clear();
    changed_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopped_ = false;
  uint64_t next_reserved_ = 0;
  uint64_t next_delivered_ = 0;
  std::map<uint64_t, Response> completed_;
};

}  // namespace zerobuffer::duplex

#endif  // ZEROBUFFER_ZEROBUFFER_DUPLEX_RESPONSE_SEQUENCER_H_
