#include "steps/registry.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "steps/executor.h"
#include "steps/step_failure.h"
#include "zerobuffer/errors.h"

namespace zerobuffer::steps {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A registry of its own, not the global one the step libraries fill.
class RegistryTest : public ::testing::Test {
 protected:
  template <typename Handler>
  void Add(StepType type, const std::string& pattern, Handler handler) {
    registry_.Add(
        internal::MakeStepDefinition(type, pattern, handler, "test:1"));
  }

  StepOutcome Run(const std::string& text) {
    return executor_.Execute(StepRequest{.text = text});
  }

  StepRegistry registry_;
  StepLog log_;
  StepContext context_{log_};
  StepExecutor executor_{registry_, context_};
};

TEST_F(RegistryTest, CapturesArriveConvertedToTheHandlersTypes) {
  std::string name;
  uint64_t size = 0;
  int64_t offset = 0;
  double ratio = 0;
  Add(StepType::kWhen,
      "buffer '([^']*)' of '(\\d+)' bytes at '(-?\\d+)' filled '([0-9.]+)'",
      [&](StepContext&, const std::string& n, uint64_t s, int64_t o,
          double r) -> absl::Status {
        name = n;
        size = s;
        offset = o;
        ratio = r;
        return absl::OkStatus();
      });
  EXPECT_TRUE(Run("buffer 'b' of '10240' bytes at '-3' filled '0.75'").success);
  EXPECT_EQ(name, "b");
  EXPECT_EQ(size, 10240u);
  EXPECT_EQ(offset, -3);
  EXPECT_DOUBLE_EQ(ratio, 0.75);
}

TEST_F(RegistryTest, AValueTheTypeCannotHoldFailsTheStep) {
  Add(StepType::kWhen, "size '(\\d+)'",
      [](StepContext&, int) -> absl::Status { return absl::OkStatus(); });
  const StepOutcome outcome = Run("size '99999999999999'");
  EXPECT_FALSE(outcome.success);
  EXPECT_THAT(outcome.error, HasSubstr("('99999999999999') is not a valid"));
}

TEST_F(RegistryTest, PatternsMatchTheWholeSentenceOnly) {
  Add(StepType::kGiven, "all processes are ready",
      [](StepContext&) -> absl::Status { return absl::OkStatus(); });
  EXPECT_TRUE(registry_.Match("all processes are ready").ok());
  EXPECT_FALSE(registry_.Match("all processes are ready now").ok());
  EXPECT_FALSE(registry_.Match("so all processes are ready").ok());
}

TEST_F(RegistryTest, UnknownStepsNameTheClosestPatterns) {
  Add(StepType::kWhen, "the '([^']*)' process reads one frame",
      [](StepContext&, const std::string&) -> absl::Status {
        return absl::OkStatus();
      });
  Add(StepType::kWhen, "the system is ready",
      [](StepContext&) -> absl::Status { return absl::OkStatus(); });
  const absl::StatusOr<StepMatch> match =
      registry_.Match("the 'reader' process reads one frames");
  ASSERT_EQ(match.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(match.status().message(),
              HasSubstr("closest: 'the '([^']*)' process reads one frame'"));
}

TEST_F(RegistryTest, AmbiguousSentencesAreReportedWithBothDeclarations) {
  Add(StepType::kThen, "frame '(\\d+)'",
      [](StepContext&, uint64_t) -> absl::Status { return absl::OkStatus(); });
  Add(StepType::kThen, "frame '([^']*)'",
      [](StepContext&, const std::string&) -> absl::Status {
        return absl::OkStatus();
      });
  const absl::StatusOr<StepMatch> match = registry_.Match("frame '7'");
  ASSERT_EQ(match.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(match.status().message(), HasSubstr("Ambiguous"));
}

TEST_F(RegistryTest, DefectiveDeclarationsAreRecordedAndNeverMatch) {
  Add(StepType::kWhen, "broken (",
      [](StepContext&) -> absl::Status { return absl::OkStatus(); });
  Add(StepType::kWhen, "two '(\\d+)' '(\\d+)'",
      [](StepContext&, uint64_t) -> absl::Status { return absl::OkStatus(); });
  ASSERT_EQ(registry_.definitions().size(), 2u);
  EXPECT_THAT(registry_.definitions()[0]->defect(), HasSubstr("compile"));
  EXPECT_THAT(registry_.definitions()[1]->defect(),
              HasSubstr("2 groups but the handler takes 1"));
  EXPECT_FALSE(registry_.Match("two '1' '2'").ok());
}

TEST_F(RegistryTest, FailuresKeepTheirMessages) {
  Add(StepType::kThen, "status", [](StepContext&) -> absl::Status {
    return Failed("read 3, expected 4");
  });
  Add(StepType::kThen, "library",
      [](StepContext&) -> absl::Status { throw BufferFullException("ring"); });
  Add(StepType::kThen, "helper",
      [](StepContext&) -> absl::Status { throw StepFailure("no reader"); });
  EXPECT_EQ(Run("status").error, "read 3, expected 4");
  EXPECT_EQ(Run("library").error, "BufferFull: Buffer is full: ring");
  EXPECT_EQ(Run("helper").error, "no reader");
}

TEST_F(RegistryTest, OutcomesCarryTheStepsLogAndFate) {
  Add(StepType::kWhen, "die in '(\\d+)' ms",
      [](StepContext& context, int64_t delay) -> absl::Status {
        context.log().Info("about to die");
        context.RequestAbruptDeath(absl::Milliseconds(delay));
        return absl::OkStatus();
      });
  const StepOutcome outcome = Run("die in '250' ms");
  EXPECT_TRUE(outcome.success);
  ASSERT_FALSE(outcome.logs.empty());
  EXPECT_EQ(outcome.logs.back().message, "about to die");
  EXPECT_TRUE(outcome.fate.die_abruptly);
  EXPECT_EQ(outcome.fate.delay, absl::Milliseconds(250));
  EXPECT_FALSE(Run("die in '0' ms").logs.empty());
  EXPECT_TRUE(log_.TakeEntries().empty()) << "each outcome took its lines";
}

TEST_F(RegistryTest, StepsSeeTheirTable) {
  StepTable seen;
  Add(StepType::kThen, "with:", [&](StepContext& context) -> absl::Status {
    seen = context.table();
    return absl::OkStatus();
  });
  executor_.Execute(
      StepRequest{.text = "with:", .table = StepTable{{"a", "b"}, {"1", "2"}}});
  EXPECT_THAT(seen, ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "2")));
}

TEST_F(RegistryTest, AnUnknownStepTypeIsMatchedByTextWithAWarning) {
  Add(StepType::kGiven, "ready",
      [](StepContext&) -> absl::Status { return absl::OkStatus(); });
  const StepOutcome outcome = executor_.Execute(
      StepRequest{.text = "ready", .unrecognized_type = "\"And\""});
  EXPECT_TRUE(outcome.success) << outcome.error;
  ASSERT_FALSE(outcome.logs.empty());
  EXPECT_EQ(outcome.logs.front().level, LogLevel::kWarning);
  EXPECT_THAT(outcome.logs.front().message,
              HasSubstr("StepType \"And\" is none of Given, When, Then"));
}

}  // namespace
}  // namespace zerobuffer::steps
