// How a child process ended.

#ifndef ZEROBUFFER_PLATFORM_EXIT_STATUS_H_
#define ZEROBUFFER_PLATFORM_EXIT_STATUS_H_

#include <optional>
#include <string>

namespace zerobuffer::platform {

struct ExitStatus {
  // Exactly one of the two is set.
  std::optional<int> exit_code;
  std::optional<int> signal;

  bool success() const { return exit_code == 0; }
  // "exit code 3", "killed by signal 9 (SIGKILL)".
  std::string ToString() const;
};

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_EXIT_STATUS_H_
