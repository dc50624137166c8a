// What tests of Subprocess check about child processes beyond its API:
// whether a child was reaped, and a signal a child can end by.

#ifndef ZEROBUFFER_PLATFORM_TESTING_CHILDREN_H_
#define ZEROBUFFER_PLATFORM_TESTING_CHILDREN_H_

#include "platform/process.h"

namespace zerobuffer::platform::testing {

// SIGPIPE, as ExitStatus::signal reports it. (SIGKILL is 9 everywhere.)
extern const int kBrokenPipeSignal;

// Whether `pid` is a child of this process that has not been reaped yet,
// running or a zombie. Looking does not reap it.
bool IsUnreapedChild(ProcessId pid);

}  // namespace zerobuffer::platform::testing

#endif  // ZEROBUFFER_PLATFORM_TESTING_CHILDREN_H_
