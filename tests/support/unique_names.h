// Buffer names that no other test, test run or process can collide with.

#ifndef ZEROBUFFER_TESTS_SUPPORT_UNIQUE_NAMES_H_
#define ZEROBUFFER_TESTS_SUPPORT_UNIQUE_NAMES_H_

#include <string>

namespace zerobuffer::testing {

// "zbt-<pid>-": part of every name this process hands out, so leftovers can
// be found by it.
const std::string& TestProcessMarker();

// "<marker><tag>-<n>", valid as a buffer name for tags of [A-Za-z0-9._-].
std::string UniqueBufferName(const std::string& tag);

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_UNIQUE_NAMES_H_
