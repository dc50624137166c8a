#include "serve/help_usage.h"

#include <string>

#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"

namespace zerobuffer::serve {

void SetHelpUsage(absl::string_view flags_file, absl::string_view message) {
  const auto is_flags_file =
      [file = std::string(flags_file)](absl::string_view defined_in) {
        return defined_in == file;
      };
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = is_flags_file;
  usage.contains_helpshort_flags = is_flags_file;
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(message);
}

}  // namespace zerobuffer::serve
