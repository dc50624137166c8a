#include "zerobuffer/log.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"

namespace zerobuffer {
namespace {

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
  }
  return "ERROR";
}

LogLevel ThresholdFromEnvironment() {
  const char* value = std::getenv("ZEROBUFFER_LOG_LEVEL");
  const std::string_view name = value != nullptr ? value : "";
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning,
                         LogLevel::kError}) {
    if (name == LevelName(level)) return level;
  }
  return LogLevel::kWarning;
}

void LogToStderr(LogLevel level, const std::string& message) {
  static const LogLevel threshold = ThresholdFromEnvironment();
  if (level < threshold) return;
  std::fprintf(stderr, "[zerobuffer %s] %s\n", LevelName(level).data(),
               message.c_str());
}

struct SinkSlot {
  std::mutex mutex;
  LogSink sink = LogToStderr;
};

SinkSlot& Slot() {
  static SinkSlot* slot = new SinkSlot;  // Never destroyed: usable at exit.
  return *slot;
}

}  // namespace

LogSink SetLogSink(LogSink sink) {
  SinkSlot& slot = Slot();
  std::lock_guard lock(slot.mutex);
  return std::exchange(slot.sink, std::move(sink));
}

namespace internal {

void Log(LogLevel level, const std::string& message) {
  LogSink sink;
  {
    SinkSlot& slot = Slot();
    std::lock_guard lock(slot.mutex);
    sink = slot.sink;
  }
  if (sink) sink(level, message);
}

std::string DescribeException(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

void LogCurrentException(const char* context) noexcept {
  try {
    Log(LogLevel::kWarning,
        absl::StrCat(context, ": ",
                     DescribeException(std::current_exception())));
  } catch (...) {
    // Out of memory, or a sink that throws: there is nobody left to tell.
  }
}

}  // namespace internal
}  // namespace zerobuffer
