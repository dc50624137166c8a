// What a duplex server told its error handlers (on the server's own
// threads), for a step or a test to wait on and inspect.

#ifndef ZEROBUFFER_STEPS_DUPLEX_ERROR_REPORTS_H_
#define ZEROBUFFER_STEPS_DUPLEX_ERROR_REPORTS_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "zerobuffer/duplex/handlers.h"
#include "zerobuffer/errors.h"

namespace zerobuffer::steps::duplex_steps {

struct ReportedError {
  std::chrono::steady_clock::time_point when;
  std::optional<ErrorCode> code;  // for the library's exceptions
  std::string message;
};

// "BufferFull: <message>; non-library: <message>", or "none".
std::string Describe(const std::vector<ReportedError>& errors);

class ErrorReports {
 public:
  // For add_error_handler; these reports must outlive the server.
  duplex::ErrorHandler Handler();

  void Add(std::exception_ptr error);
  std::vector<ReportedError> All() const;
  size_t Count(ErrorCode code) const;
  // Every error so far, as Describe above.
  std::string Describe() const;

  // Waits up to `timeout` until `count` errors with `code` have been
  // reported; the message of the `count`-th, or nullopt.
  std::optional<std::string> WaitFor(ErrorCode code,
                                     std::chrono::milliseconds timeout,
                                     size_t count = 1);

 private:
  mutable std::mutex mutex_;
  std::condition_variable added_;
  std::vector<ReportedError> errors_;
};

}  // namespace zerobuffer::steps::duplex_steps

#endif  // ZEROBUFFER_STEPS_DUPLEX_ERROR_REPORTS_H_
