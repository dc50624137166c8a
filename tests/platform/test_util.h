// Helpers the platform tests share: polling for states no event announces
// (tests/support/poll_until.h), plain files, and permission bits.

#ifndef ZEROBUFFER_TESTS_PLATFORM_TEST_UTIL_H_
#define ZEROBUFFER_TESTS_PLATFORM_TEST_UTIL_H_

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/leak_checked_test.h"  // IWYU pragma: export
#include "tests/support/poll_until.h"         // IWYU pragma: export

namespace zerobuffer::testing {

// For waits that should end on an event: long enough never to expire on a
// loaded machine, short enough that a lost event fails the test with a
// message before the test runner's own timeout kills it.
inline constexpr absl::Duration kGenerousTimeout = absl::Seconds(10);

// Creates (or truncates) `path` as an ordinary file with a little content,
// such as a crashed lock owner leaves behind.
void Touch(const std::string& path);

// The mode bits (permissions, setuid/setgid/sticky) of `path` as
// platform::GetFileOwnership reports them, or -1 (and a test failure) if it
// cannot.
int PermissionBits(const std::string& path);

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_PLATFORM_TEST_UTIL_H_
