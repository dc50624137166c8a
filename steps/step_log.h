// The log of one step server process: every line goes to stderr at once and
// is also kept until the step that produced it replies, so the orchestrator
// shows it with the step. Lines logged between steps (by background work)
// travel with the next reply.

#ifndef ZEROBUFFER_STEPS_STEP_LOG_H_
#define ZEROBUFFER_STEPS_STEP_LOG_H_

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace zerobuffer::steps {

// Microsoft.Extensions.Logging's LogLevel values, which Harmony expects.
enum class LogLevel {
  kTrace = 0,
  kDebug = 1,
  kInformation = 2,
  kWarning = 3,
  kError = 4,
  kCritical = 5,
};

// "Information", "Warning", ...: the LogLevel names Harmony accepts.
const char* LogLevelName(LogLevel level);

// Parses TRACE/DEBUG/INFO/INFORMATION/WARN/WARNING/ERROR/CRITICAL in any
// case; nullopt for anything else.
std::optional<LogLevel> ParseLogLevel(const std::string& name);

struct LogEntry {
  absl::Time time;
  LogLevel level;
  std::string message;
};

class StepLog {
 public:
  // Lines below `threshold` are neither printed nor kept.
  explicit StepLog(LogLevel threshold = LogLevel::kInformation);

  // Names this process in stderr lines, e.g. "reader".
  void SetSource(const std::string& source);

  // Thread-safe.
  void Add(LogLevel level, const std::string& message);
  void Info(const std::string& message) {
    Add(LogLevel::kInformation, message);
  }
  void Warning(const std::string& message) { Add(LogLevel::kWarning, message); }

  // The lines kept since the last call. At most kMaxKeptEntries are kept;
  // the last kept line then says how many were dropped.
  std::vector<LogEntry> TakeEntries();

  static constexpr size_t kMaxKeptEntries = 500;

 private:
  const LogLevel threshold_;
  std::mutex mutex_;
  std::string source_;
  std::vector<LogEntry> entries_;
  size_t dropped_ = 0;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_STEP_LOG_H_
