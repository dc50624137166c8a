// Environment variables set for a scope, for tests of code that reads them
// (the lock directories, what a child process inherits).

#ifndef ZEROBUFFER_PLATFORM_TESTING_ENVIRONMENT_H_
#define ZEROBUFFER_PLATFORM_TESTING_ENVIRONMENT_H_

#include <optional>
#include <string>

namespace zerobuffer::platform::testing {

// Sets the variable `name` (nullopt removes it) and restores what it was
// when the scope ends. Not thread-safe, like the environment itself.
class ScopedEnvironmentVariable {
 public:
  ScopedEnvironmentVariable(std::string name,
                            const std::optional<std::string>& value);
  ~ScopedEnvironmentVariable();
  ScopedEnvironmentVariable(const ScopedEnvironmentVariable&) = delete;
  ScopedEnvironmentVariable& operator=(const ScopedEnvironmentVariable&) =
      delete;

  // Changes the value again within the scope.
  void Set(const std::optional<std::string>& value);

 private:
  std::string name_;
  std::optional<std::string> previous_;
};

}  // namespace zerobuffer::platform::testing

#endif  // ZEROBUFFER_PLATFORM_TESTING_ENVIRONMENT_H_
