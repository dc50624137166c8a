#include "platform/testing/descriptors.h"

#include <fcntl.h>

namespace zerobuffer::platform::testing {

bool IsOpen(int fd) { return fcntl(fd, F_GETFD) >= 0; }

bool IsCloseOnExec(int fd) {
  const int flags = fcntl(fd, F_GETFD);
  return flags >= 0 && (flags & FD_CLOEXEC) != 0;
}

}  // namespace zerobuffer::platform::testing
