#include "zerobuffer/options_check.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "zerobuffer/errors.h"

namespace zerobuffer {
namespace {

[[noreturn]] void ThrowInvalid(const char* options, const std::string& what) {
  throw ZeroBufferException(absl::StrCat("Invalid ", options, ": ", what));
}

void CheckLivenessInterval(const char* options,
                           std::chrono::milliseconds interval) {
  if (interval <= std::chrono::milliseconds(0)) {
    ThrowInvalid(options,
                 absl::StrCat("liveness_check_interval is ", interval.count(),
                              " ms; it must be positive, since blocking "
                              "waits wake up that often"));
  }
}

void CheckSpin(const char* options, std::chrono::microseconds spin) {
  if (spin < std::chrono::microseconds(0)) {
    ThrowInvalid(options,
                 absl::StrCat("spin_before_block is ", spin.count(),
                              " us; it must be 0 (block at once) or more"));
  }
}

}  // namespace

void ThrowIfInvalidOptions(const ReaderOptions& options) {
  constexpr char kReaderOptions[] = "reader options";
  CheckLivenessInterval(kReaderOptions, options.liveness_check_interval);
  CheckSpin(kReaderOptions, options.spin_before_block);
  if (options.permissions.has_value() && (*options.permissions & ~0777u)) {
    ThrowInvalid(kReaderOptions,
                 absl::StrFormat("permissions are 0%o; a buffer's objects take "
                                 "the read, write and execute bits of 0777 "
                                 "only (no setuid, setgid or sticky bit)",
                                 *options.permissions));
  }
}

void ThrowIfInvalidOptions(const WriterOptions& options) {
  constexpr char kWriterOptions[] = "writer options";
  ThrowIfInvalidWriteTimeout(options.write_timeout);
  CheckLivenessInterval(kWriterOptions, options.liveness_check_interval);
  CheckSpin(kWriterOptions, options.spin_before_block);
}

void ThrowIfInvalidWriteTimeout(std::chrono::milliseconds timeout) {
  if (timeout < std::chrono::milliseconds(0)) {
    ThrowInvalid("writer options",
                 absl::StrCat("write_timeout is ", timeout.count(),
                              " ms; it must be 0 (fail at once when the ring "
                              "is full) or more"));
  }
}

}  // namespace zerobuffer
