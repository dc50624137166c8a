#include "platform/posix_errors.h"

#include "absl/strings/str_cat.h"

namespace zerobuffer::platform::posix {

absl::Status ErrnoError(int error, const char* call,
                        const std::string& object) {
  return absl::ErrnoToStatus(error, absl::StrCat(call, "(\"", object, "\")"));
}

std::string ObjectName(const std::string& name) {
  return absl::StrCat("/", name);
}

}  // namespace zerobuffer::platform::posix
