// File descriptor flags the platform API sets but never reports, for tests
// of FileDescriptor and pipes.

#ifndef ZEROBUFFER_PLATFORM_TESTING_DESCRIPTORS_H_
#define ZEROBUFFER_PLATFORM_TESTING_DESCRIPTORS_H_

namespace zerobuffer::platform::testing {

// Whether `fd` is an open descriptor of this process.
bool IsOpen(int fd);

// Whether `fd` is open and closes when this process execs.
bool IsCloseOnExec(int fd);

}  // namespace zerobuffer::platform::testing

#endif  // ZEROBUFFER_PLATFORM_TESTING_DESCRIPTORS_H_
