#include "tests/duplex/error_recorder.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace zerobuffer::testing {

duplex::ErrorHandler ErrorRecorder::Handler() {
  return [this](std::exception_ptr error) { Add(error); };
}

void ErrorRecorder::Add(std::exception_ptr error) {
  Error recorded;
  try {
    std::rethrow_exception(error);
  } catch (const ZeroBufferException& exception) {
    recorded = Error{exception.code(), exception.what()};
  } catch (const std::exception& exception) {
    recorded = Error{std::nullopt, exception.what()};
  } catch (...) {
    recorded = Error{std::nullopt, "an exception that is not a std::exception"};
  }
  {
    std::lock_guard lock(mutex_);
    errors_.push_back(std::move(recorded));
  }
  added_.notify_all();
}

std::optional<std::string> ErrorRecorder::WaitFor(
    ErrorCode code, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<std::string> message;
  added_.wait_for(lock, timeout, [&] {
    for (const Error& error : errors_) {
      if (error.code == code) message = error.message;
    }
    return message.has_value();
  });
  return message;
}

size_t ErrorRecorder::Count(ErrorCode code) const {
  std::lock_guard lock(mutex_);
  size_t count = 0;
  for (const Error& error : errors_) {
    if (error.code == code) ++count;
  }
  return count;
}

std::string ErrorRecorder::Describe() const {
  std::lock_guard lock(mutex_);
  std::string text;
  for (const Error& error : errors_) {
    absl::StrAppend(&text, error.code ? ErrorCodeName(*error.code) : "other",
                    ": ", error.message, "\n");
  }
  return text.empty() ? "no errors" : text;
}

}  // namespace zerobuffer::testing
