#include "steps/context.h"

#include <atomic>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zerobuffer::steps {
namespace {

using ::testing::ElementsAre;

// Where the state types below record their destruction.
std::vector<std::string> destroyed;

struct First {
  ~First() { destroyed.push_back("first"); }
  int value = 0;
};
struct Second {
  ~Second() { destroyed.push_back("second"); }
};

TEST(StepContextTest, StateIsPerTypeAndDroppedNewestFirstOnReset) {
  destroyed.clear();
  StepLog log;
  StepContext context(log);
  context.State<First>().value = 7;
  context.State<Second>();
  EXPECT_EQ(context.State<First>().value, 7);
  context.Reset();
  EXPECT_THAT(destroyed, ElementsAre("second", "first"));
  EXPECT_EQ(context.State<First>().value, 0) << "fresh after a reset";
}

TEST(StepContextTest, ResetStopsBackgroundWorkBeforeDroppingState) {
  StepLog log;
  StepContext context(log);
  std::atomic<bool> stopped{false};
  context.tasks().Start("pump", [&](std::stop_token stop) -> absl::Status {
    while (!stop.stop_requested()) std::this_thread::yield();
    stopped = true;
    return absl::OkStatus();
  });
  context.Reset();
  EXPECT_TRUE(stopped);
  EXPECT_EQ(context.tasks().Find("pump"), nullptr);
}

TEST(StepContextTest, PhysicalNamesFollowHarmonysFormula) {
  StepLog log;
  StepContext context(log);
  context.SetIdentity({"reader", "cpp", 41235, 1});
  EXPECT_EQ(context.PhysicalName("test-basic"), "test-basic_41235_1");
  EXPECT_EQ(context.PhysicalName("test-basic"), "test-basic_41235_1");
}

TEST(BackgroundTaskTest, ReportsTheResultAndExceptions) {
  BackgroundTasks tasks;
  BackgroundTask& ok = tasks.Start(
      "ok", [](std::stop_token) { return absl::InternalError("boom"); });
  std::optional<absl::Status> result = ok.WaitFor(absl::Seconds(10));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->message(), "boom");
  BackgroundTask& throws =
      tasks.Start("throws", [](std::stop_token) -> absl::Status {
        throw std::runtime_error("thrown");
      });
  result = throws.WaitFor(absl::Seconds(10));
  ASSERT_TRUE(result.has_value());
  EXPECT_THAT(std::string(result->message()), ::testing::HasSubstr("thrown"));
}

TEST(BackgroundTaskTest, AStillRunningTaskReportsNothing) {
  BackgroundTasks tasks;
  BackgroundTask& task = tasks.Start("wait", [](std::stop_token stop) {
    while (!stop.stop_requested()) std::this_thread::yield();
    return absl::OkStatus();
  });
  EXPECT_FALSE(task.WaitFor(absl::Milliseconds(10)).has_value());
  EXPECT_FALSE(task.finished());
  tasks.StopAll();
}

TEST(StepLogTest, KeepsABoundedNumberOfLinesAndSaysHowManyWereDropped) {
  StepLog log(LogLevel::kInformation);
  log.Add(LogLevel::kDebug, "below the threshold");
  for (size_t i = 0; i < StepLog::kMaxKeptEntries + 5; ++i) log.Info("line");
  const std::vector<LogEntry> entries = log.TakeEntries();
  ASSERT_EQ(entries.size(), StepLog::kMaxKeptEntries + 1);
  EXPECT_THAT(entries.back().message, ::testing::HasSubstr("5 more"));
  EXPECT_TRUE(log.TakeEntries().empty());
}

TEST(StepLogTest, ParsesTheLevelNamesOperatorsUse) {
  EXPECT_EQ(ParseLogLevel("info"), LogLevel::kInformation);
  EXPECT_EQ(ParseLogLevel("WARN"), LogLevel::kWarning);
  EXPECT_EQ(ParseLogLevel("Critical"), LogLevel::kCritical);
  EXPECT_EQ(ParseLogLevel("loud"), std::nullopt);
  EXPECT_STREQ(LogLevelName(LogLevel::kInformation), "Information");
}

}  // namespace
}  // namespace zerobuffer::steps
