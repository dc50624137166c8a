// A writer's write timeout changed for a scope: how long the steps that
// fill a ring, or probe whether it has room, let a write wait.

#ifndef ZEROBUFFER_STEPS_SUPPORT_SCOPED_WRITE_TIMEOUT_H_
#define ZEROBUFFER_STEPS_SUPPORT_SCOPED_WRITE_TIMEOUT_H_

#include <chrono>

#include "absl/time/time.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {

class ScopedWriteTimeout {
 public:
  ScopedWriteTimeout(Writer& writer, absl::Duration timeout);
  ~ScopedWriteTimeout();
  ScopedWriteTimeout(const ScopedWriteTimeout&) = delete;
  ScopedWriteTimeout& operator=(const ScopedWriteTimeout&) = delete;

 private:
  Writer& writer_;
  const std::chrono::milliseconds saved_;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_SCOPED_WRITE_TIMEOUT_H_
