#include "zerobuffer/name_check.h"

#include "absl/status/status.h"
#include "zerobuffer/errors.h"
#include "zerobuffer/names.h"

namespace zerobuffer {

void ThrowIfInvalidBufferName(const std::string& name) {
  const absl::Status valid = ValidateBufferName(name);
  if (!valid.ok()) {
    throw InvalidBufferNameException(std::string(valid.message()));
  }
}

}  // namespace zerobuffer
