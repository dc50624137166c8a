// A reading side that only consumes: a background task reads every frame,
// checks it against the pattern of its sequence number (see
// PatternWindow), releases it and counts it. It stops at the first frame
// that fails the check, so a writer feeding it stalls and notices, and it
// ends when the writer has left and every frame is read.

#ifndef ZEROBUFFER_STEPS_SYSTEM_VERIFYING_DRAIN_H_
#define ZEROBUFFER_STEPS_SYSTEM_VERIFYING_DRAIN_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "steps/context.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {

struct DrainCounts {
  uint64_t frames = 0;
  uint64_t bytes = 0;
  // Why draining stopped early: a damaged frame or a library error.
  std::optional<std::string> problem;
  bool writer_left = false;
};

// Thread-safe: the draining task updates it, steps read it.
class DrainTally {
 public:
  DrainCounts Get() const {
    std::lock_guard lock(mutex_);
    return counts_;
  }
  void Update(const DrainCounts& counts) {
    std::lock_guard lock(mutex_);
    counts_ = counts;
  }

 private:
  mutable std::mutex mutex_;
  DrainCounts counts_;
};

// Starts background task `task` draining `reader`. The reader must outlive
// the task: state that owns it is dropped only after tasks are stopped.
std::shared_ptr<DrainTally> StartVerifyingDrain(StepContext& context,
                                                const std::string& task,
                                                Reader& reader);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SYSTEM_VERIFYING_DRAIN_H_
