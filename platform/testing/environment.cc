#include "platform/testing/environment.h"

#include <stdlib.h>

#include <utility>

namespace zerobuffer::platform::testing {

ScopedEnvironmentVariable::ScopedEnvironmentVariable(
    std::string name, const std::optional<std::string>& value)
    : name_(std::move(name)) {
  if (const char* current = getenv(name_.c_str())) previous_ = current;
  Set(value);
}

ScopedEnvironmentVariable::~ScopedEnvironmentVariable() { Set(previous_); }

void ScopedEnvironmentVariable::Set(const std::optional<std::string>& value) {
  if (value.has_value()) {
    setenv(name_.c_str(), value->c_str(), 1);
  } else {
    unsetenv(name_.c_str());
  }
}

}  // namespace zerobuffer::platform::testing
