#include "absl/strings/str_cat.h"
#include "platform/kernel_object_names.h"

namespace zerobuffer::platform {

std::string GlobalObjectName(const std::string& name) {
  return absl::StrCat("Global\\", name);
}

}  // namespace zerobuffer::platform
