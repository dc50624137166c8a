#include "zerobuffer/platform_errors.h"

#include "absl/strings/str_cat.h"
#include "zerobuffer/errors.h"

namespace zerobuffer {

void ThrowPlatformError(const absl::Status& status,
                        const std::string& context) {
  const std::string detail =
      absl::StrCat(context, ": ", std::string(status.message()));
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      throw BufferNotFoundException(detail);
    case absl::StatusCode::kUnavailable:
      throw ReaderAlreadyConnectedException(detail);
    default:
      throw ZeroBufferException(detail);
  }
}

}  // namespace zerobuffer
