// What --help shows for the programs of this repository (serve and
// harmony_runner), each of which defines its flags in one file.

#ifndef ZEROBUFFER_SERVE_HELP_USAGE_H_
#define ZEROBUFFER_SERVE_HELP_USAGE_H_

#include "absl/strings/string_view.h"

namespace zerobuffer::serve {

// Sets `message` as the program's usage message, and makes --help and
// --helpshort list the flags defined in `flags_file` (pass __FILE__ from
// the file that defines them): by default abseil lists only the flags of a
// file named after the program, which none of ours is. Call before
// absl::ParseCommandLine.
void SetHelpUsage(absl::string_view flags_file, absl::string_view message);

}  // namespace zerobuffer::serve

#endif  // ZEROBUFFER_SERVE_HELP_USAGE_H_
