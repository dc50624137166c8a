// Where the library reports what it does on its own initiative (stale
// resources removed, an unusable lock directory). Applications route these
// lines into their own logging by installing a sink.

#ifndef ZEROBUFFER_ZEROBUFFER_LOG_H_
#define ZEROBUFFER_ZEROBUFFER_LOG_H_

#include <exception>
#include <functional>
#include <string>

namespace zerobuffer {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

using LogSink = std::function<void(LogLevel level, const std::string& message)>;

// Installs `sink` (thread-safe) and returns the previous one. The default
// sink writes to stderr the lines at or above ZEROBUFFER_LOG_LEVEL
// (DEBUG, INFO, WARNING or ERROR; WARNING when unset). An empty sink
// silences the library.
LogSink SetLogSink(LogSink sink);

namespace internal {

void Log(LogLevel level, const std::string& message);

// What `error` says: its what(), or a note that it is no std::exception.
std::string DescribeException(std::exception_ptr error);

// Logs the exception being handled, after `context`, at kWarning. Never
// throws, not even when logging fails: for the catch blocks of cleanup that
// must not throw (destructors, noexcept close()). Only inside a catch block.
void LogCurrentException(const char* context) noexcept;

}  // namespace internal

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_LOG_H_
