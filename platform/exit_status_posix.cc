#include <string.h>

#include "absl/strings/str_cat.h"
#include "platform/exit_status.h"

namespace zerobuffer::platform {

std::string ExitStatus::ToString() const {
  if (exit_code.has_value()) return absl::StrCat("exit code ", *exit_code);
  const int number = signal.value_or(0);
  // sigabbrev_np reads a constant table, unlike strsignal, which may format
  // into a buffer shared by all threads.
  const char* abbreviation = sigabbrev_np(number);
  if (abbreviation == nullptr) return absl::StrCat("killed by signal ", number);
  return absl::StrCat("killed by signal ", number, " (SIG", abbreviation, ")");
}

}  // namespace zerobuffer::platform
