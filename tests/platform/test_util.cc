#include "tests/platform/test_util.h"

#include <sys/stat.h>

#include <chrono>
#include <thread>

namespace zerobuffer::testing {

bool PollUntil(const std::function<bool()>& condition, absl::Duration timeout) {
  const auto deadline =
      std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

ScopedUmask::ScopedUmask(mode_t mask) : previous_(umask(mask)) {}

ScopedUmask::~ScopedUmask() { umask(previous_); }

int PermissionBits(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return -1;
  return static_cast<int>(info.st_mode & 07777);
}

}  // namespace zerobuffer::testing
