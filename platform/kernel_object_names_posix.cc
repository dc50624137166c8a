#include "platform/kernel_object_names.h"

namespace zerobuffer::platform {

std::string GlobalObjectName(const std::string& name) { return name; }

}  // namespace zerobuffer::platform
