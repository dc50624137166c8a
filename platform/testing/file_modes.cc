#include "platform/testing/file_modes.h"

#include <sys/stat.h>

#include <cerrno>

#include "platform/posix_errors.h"

namespace zerobuffer::platform::testing {

ScopedUmask::ScopedUmask(uint32_t mask)
    : previous_(static_cast<uint32_t>(umask(static_cast<mode_t>(mask)))) {}

ScopedUmask::~ScopedUmask() { umask(static_cast<mode_t>(previous_)); }

absl::Status MakeFifo(const std::string& path) {
  if (mkfifo(path.c_str(), 0644) != 0) {
    return posix::ErrnoError(errno, "mkfifo", path);
  }
  return absl::OkStatus();
}

}  // namespace zerobuffer::platform::testing
