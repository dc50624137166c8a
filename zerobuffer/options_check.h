// What reader and writer options must satisfy. A liveness check interval of
// 0 would turn every blocking wait into a busy loop, so nonsense values are
// refused before anything is created.

#ifndef ZEROBUFFER_ZEROBUFFER_OPTIONS_CHECK_H_
#define ZEROBUFFER_ZEROBUFFER_OPTIONS_CHECK_H_

#include <chrono>

#include "zerobuffer/config.h"

namespace zerobuffer {

// Each throws ZeroBufferException ("Invalid reader options: ...") naming
// the field and its value when:
// - liveness_check_interval is not positive;
// - spin_before_block is negative;
// - permissions has bits beyond 0777 (rwx for user, group and others);
// - write_timeout is negative (0 means: fail at once when the ring is full).
void ThrowIfInvalidOptions(const ReaderOptions& options);
void ThrowIfInvalidOptions(const WriterOptions& options);
void ThrowIfInvalidWriteTimeout(std::chrono::milliseconds timeout);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_OPTIONS_CHECK_H_
