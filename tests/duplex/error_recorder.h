// Collects what a duplex server tells its error handlers (on the server's
// own threads), for a test to wait on and inspect.

#ifndef ZEROBUFFER_TESTS_DUPLEX_ERROR_RECORDER_H_
#define ZEROBUFFER_TESTS_DUPLEX_ERROR_RECORDER_H_

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

namespace zerobuffer::testing {

class ErrorRecorder {
 public:
  struct Error {
    std::optional<ErrorCode> code;  // for the library's exceptions
    std::string message;
  };

  // For add_error_handler; the recorder must outlive the server.
  duplex::ErrorHandler Handler();

  // Waits up to `timeout` for an error with `code`; its message, or nullopt.
  std::optional<std::string> WaitFor(ErrorCode code,
                                     std::chrono::milliseconds timeout);
  size_t Count(ErrorCode code) const;
  // Every error so far, one per line, for failure messages.
  std::string Describe() const;

 private:
  void Add(std::exception_ptr error);

  mutable std::mutex mutex_;
  std::condition_variable added_;
  std::vector<Error> errors_;
};

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_DUPLEX_ERROR_RECORDER_H_
