#include "zerobuffer/log.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zerobuffer {
namespace {

using ::testing::ElementsAre;

// Installs a sink for one test and puts the previous one back.
class ScopedSink {
 public:
  explicit ScopedSink(LogSink sink) : previous_(SetLogSink(std::move(sink))) {}
  ~ScopedSink() { SetLogSink(std::move(previous_)); }

 private:
  LogSink previous_;
};

TEST(LogTest, DescribeExceptionSaysWhatAnExceptionSays) {
  EXPECT_EQ(internal::DescribeException(
                std::make_exception_ptr(std::runtime_error("ring is gone"))),
            "ring is gone");
  EXPECT_EQ(internal::DescribeException(std::make_exception_ptr(42)),
            "an exception that is not a std::exception");
}

TEST(LogTest, LogCurrentExceptionLogsItAfterTheContext) {
  std::vector<std::string> lines;
  ScopedSink sink([&lines](LogLevel level, const std::string& message) {
    EXPECT_EQ(level, LogLevel::kWarning);
    lines.push_back(message);
  });
  try {
    throw std::runtime_error("no room");
  } catch (...) {
    internal::LogCurrentException("Closing a writer");
  }
  EXPECT_THAT(lines, ElementsAre("Closing a writer: no room"));
}

TEST(LogTest, LogCurrentExceptionSurvivesASinkThatThrows) {
  ScopedSink sink([](LogLevel, const std::string&) {
    throw std::runtime_error("the sink is broken");
  });
  try {
    throw std::runtime_error("no room");
  } catch (...) {
    // noexcept: a sink's exception escaping would end the test process.
    internal::LogCurrentException("Closing a writer");
  }
  SUCCEED();
}

}  // namespace
}  // namespace zerobuffer
