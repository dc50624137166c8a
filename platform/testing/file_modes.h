// The umask, and file system objects the platform API never makes, for
// tests of permissions and of directory listings.

#ifndef ZEROBUFFER_PLATFORM_TESTING_FILE_MODES_H_
#define ZEROBUFFER_PLATFORM_TESTING_FILE_MODES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace zerobuffer::platform::testing {

// Sets the process umask for a scope. Tests that check permissions set a
// strict one, so that requested bits can only appear if the code under test
// bypassed it.
class ScopedUmask {
 public:
  explicit ScopedUmask(uint32_t mask);
  ~ScopedUmask();
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  uint32_t previous_;
};

// Creates a FIFO (named pipe) at `path`.
absl::Status MakeFifo(const std::string& path);

}  // namespace zerobuffer::platform::testing

#endif  // ZEROBUFFER_PLATFORM_TESTING_FILE_MODES_H_
