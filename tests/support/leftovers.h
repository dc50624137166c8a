// Finding and removing ZeroBuffer objects a test left behind: segments and
// semaphores in /dev/shm and lock files in both lock directories.

#ifndef ZEROBUFFER_TESTS_SUPPORT_LEFTOVERS_H_
#define ZEROBUFFER_TESTS_SUPPORT_LEFTOVERS_H_

#include <string>
#include <vector>

namespace zerobuffer::testing {

// Paths of every such object whose file name contains `marker`.
std::vector<std::string> FindLeftovers(const std::string& marker);

// Removes them; returns what was removed.
std::vector<std::string> RemoveLeftovers(const std::string& marker);

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_LEFTOVERS_H_
