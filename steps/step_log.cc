#include "steps/step_log.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace zerobuffer::steps {

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "Trace";
    case LogLevel::kDebug:
      return "Debug";
    case LogLevel::kInformation:
      return "Information";
    case LogLevel::kWarning:
      return "Warning";
    case LogLevel::kError:
      return "Error";
    case LogLevel::kCritical:
      return "Critical";
  }
  return "Information";
}

std::optional<LogLevel> ParseLogLevel(const std::string& name) {
  const std::string upper = absl::AsciiStrToUpper(name);
  if (upper == "TRACE") return LogLevel::kTrace;
  if (upper == "DEBUG") return LogLevel::kDebug;
  if (upper == "INFO" || upper == "INFORMATION") return LogLevel::kInformation;
  if (upper == "WARN" || upper == "WARNING") return LogLevel::kWarning;
  if (upper == "ERROR") return LogLevel::kError;
  if (upper == "CRITICAL" || upper == "FATAL") return LogLevel::kCritical;
  return std::nullopt;
}

StepLog::StepLog(LogLevel threshold) : threshold_(threshold) {}

void StepLog::SetSource(const std::string& source) {
  std::lock_guard lock(mutex_);
  source_ = source;
}

void StepLog::Add(LogLevel level, const std::string& message) {
  if (level < threshold_) return;
  const absl::Time now = absl::Now();
  std::lock_guard lock(mutex_);
  const std::string line = absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone()),
      " [serve", source_.empty() ? "" : " ", source_, "] ", LogLevelName(level),
      ": ", message, "\n");
  std::fputs(line.c_str(), stderr);
  if (entries_.size() < kMaxKeptEntries) {
    entries_.push_back({now, level, message});
  } else {
    ++dropped_;
  }
}

std::vector<LogEntry> StepLog::TakeEntries() {
  std::lock_guard lock(mutex_);
  std::vector<LogEntry> taken = std::move(entries_);
  entries_.clear();
  if (dropped_ > 0) {
    taken.push_back({absl::Now(), LogLevel::kWarning,
                     absl::StrCat(dropped_,
                                  " more log lines were dropped; "
                                  "stderr has them all")});
    dropped_ = 0;
  }
  return taken;
}

}  // namespace zerobuffer::steps
