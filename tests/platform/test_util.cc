#include "tests/platform/test_util.h"

#include <chrono>
#include <fstream>
#include <thread>

#include "absl/status/statusor.h"
#include "platform/privileges.h"

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

void Touch(const std::string& path) {
  std::ofstream file(path);
  file << "stale";
  EXPECT_TRUE(file.good()) << "cannot write " << path;
}

int PermissionBits(const std::string& path) {
  const absl::StatusOr<platform::FileOwnership> ownership =
      platform::GetFileOwnership(path);
  EXPECT_TRUE(ownership.ok()) << ownership.status();
  return ownership.ok() ? static_cast<int>(ownership->mode) : -1;
}

}  // namespace zerobuffer::testing
