#include "steps/duplex/error_reports.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zerobuffer::steps::duplex_steps {

std::string Describe(const std::vector<ReportedError>& errors) {
  if (errors.empty()) return "none";
  std::vector<std::string> lines;
  for (const ReportedError& error : errors) {
    lines.push_back(absl::StrCat(
        error.code.has_value() ? ErrorCodeName(*error.code) : "non-library",
        ": ", error.message));
  }
  return absl::StrJoin(lines, "; ");
}

duplex::ErrorHandler ErrorReports::Handler() {
  return [this](std::exception_ptr error) { Add(error); };
}

void ErrorReports::Add(std::exception_ptr error) {
  ReportedError report{std::chrono::steady_clock::now(), std::nullopt, ""};
  try {
    std::rethrow_exception(error);
  } catch (const ZeroBufferException& exception) {
    report.code = exception.code();
    report.message = exception.what();
  } catch (const std::exception& exception) {
    report.message = exception.what();
  } catch (...) {
    report.message = "an exception that is not a std::exception";
  }
  {
    std::lock_guard lock(mutex_);
    errors_.push_back(std::move(report));
  }
  added_.notify_all();
}

std::vector<ReportedError> ErrorReports::All() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

size_t ErrorReports::Count(ErrorCode code) const {
  std::lock_guard lock(mutex_);
  size_t count = 0;
  for (const ReportedError& error : errors_) {
    if (error.code == code) ++count;
  }
  return count;
}

std::string ErrorReports::Describe() const {
  return duplex_steps::Describe(All());
}

std::optional<std::string> ErrorReports::WaitFor(
    ErrorCode code, std::chrono::milliseconds timeout, size_t count) {
  std::unique_lock lock(mutex_);
  std::optional<std::string> message;
  added_.wait_for(lock, timeout, [&] {
    size_t seen = 0;
    for (const ReportedError& error : errors_) {
      if (error.code == code && ++seen == count) message = error.message;
    }
    return message.has_value();
  });
  return message;
}

}  // namespace zerobuffer::steps::duplex_steps
