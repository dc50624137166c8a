#include "tests/platform/test_util.h"

#include <fstream>

#include "absl/status/statusor.h"
#include "platform/privileges.h"

namespace zerobuffer::testing {

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
