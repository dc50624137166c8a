// Helpers the platform tests share: polling for states no event announces,
// and file permission checks.

#ifndef ZEROBUFFER_TESTS_PLATFORM_TEST_UTIL_H_
#define ZEROBUFFER_TESTS_PLATFORM_TEST_UTIL_H_

#include <sys/types.h>

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/leak_checked_test.h"  // IWYU pragma: export

namespace zerobuffer::testing {

// For waits that should end on an event: long enough never to expire on a
// loaded machine, short enough that a lost event fails the test with a
// message before the test runner's own timeout kills it.
inline constexpr absl::Duration kGenerousTimeout = absl::Seconds(10);

// Re-evaluates `condition` until it holds or `timeout` passes; for states
// (such as a process turning into a zombie) that no event announces.
bool PollUntil(const std::function<bool()>& condition, absl::Duration timeout);

// Sets the umask for a scope. Tests that check permissions set a strict one,
// so that requested bits can only appear if the umask was bypassed.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask);
  ~ScopedUmask();
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t previous_;
};

// The file mode bits (permissions, setuid/setgid/sticky) of `path`, or -1
// if it cannot be stat'ed.
int PermissionBits(const std::string& path);

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_PLATFORM_TEST_UTIL_H_
