// Where the library reports what it does on its own initiative (stale
// resources removed, an unusable lock directory). Applications route these
// lines into their own logging by installing a sink.

#ifndef ZEROBUFFER_ZEROBUFFER_LOG_H_
#define ZEROBUFFER_ZEROBUFFER_LOG_H_

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
}  // namespace internal

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_LOG_H_
