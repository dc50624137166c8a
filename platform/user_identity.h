// A POSIX user and group id: whom a process runs as.

#ifndef ZEROBUFFER_PLATFORM_USER_IDENTITY_H_
#define ZEROBUFFER_PLATFORM_USER_IDENTITY_H_

#include <cstdint>

namespace zerobuffer::platform {

struct UserIdentity {
  uint32_t uid = 0;
  uint32_t gid = 0;
};

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_USER_IDENTITY_H_
