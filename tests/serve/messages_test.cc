#include "serve/harmony/messages.h"

#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zerobuffer::serve {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SingleArgumentTest, AcceptsWhatHarmonyAndOlderToolsSend) {
  const Json object = {{"Step", "x"}};
  EXPECT_EQ(*SingleArgument(Json::array({object})), object);
  EXPECT_EQ(*SingleArgument(object), object);
  EXPECT_EQ(*SingleArgument(Json::array()), Json::object());
  EXPECT_EQ(*SingleArgument(nullptr), Json::object());
  EXPECT_FALSE(SingleArgument(Json::array({1})).ok());
  EXPECT_FALSE(SingleArgument(Json::array({object, object})).ok());
  EXPECT_FALSE(SingleArgument("text").ok());
}

TEST(ParseInitializeTest, ReadsHarmonysInitializeRequest) {
  const Json params = Json::parse(
      R"([{"Role":"reader","Platform":"cpp","Scenario":"test",
           "HostPid":41235,"FeatureId":1,"TestRunId":"41235_1"}])");
  const absl::StatusOr<steps::ProcessIdentity> identity =
      ParseInitialize(params);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->role, "reader");
  EXPECT_EQ(identity->platform, "cpp");
  EXPECT_EQ(identity->host_pid, 41235u);
  EXPECT_EQ(identity->feature_id, 1u);
  EXPECT_FALSE(ParseInitialize(Json::parse(R"({"hostPid":-1})")).ok());
  EXPECT_FALSE(ParseInitialize(Json::parse(R"({"role":5})")).ok());
}

TEST(ParseInitializeTest, TakesNumbersWrittenAsStrings) {
  const absl::StatusOr<steps::ProcessIdentity> identity = ParseInitialize(
      Json::parse(R"([{"Role":"writer","HostPid":"123","FeatureId":"7"}])"));
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->host_pid, 123u);
  EXPECT_EQ(identity->feature_id, 7u);
  for (const char* bad :
       {R"({"HostPid":"-1"})", R"({"HostPid":"12a"})", R"({"HostPid":""})",
        R"({"HostPid":" 1"})", R"({"FeatureId":"99999999999999999999"})",
        R"({"FeatureId":1.5})", R"({"FeatureId":true})"}) {
    const absl::StatusOr<steps::ProcessIdentity> rejected =
        ParseInitialize(Json::parse(bad));
    EXPECT_FALSE(rejected.ok()) << bad;
    EXPECT_THAT(rejected.status().message(),
                HasSubstr("must be a non-negative integer"))
        << bad;
  }
}

TEST(ParseExecuteStepTest, ReadsHarmonysStepRequest) {
  const Json params = Json::parse(
      R"([{"Process":"reader","StepType":2,"Step":"the 'reader' process x;",
           "Parameters":{},"Context":{},"IsBroadcast":true}])");
  const absl::StatusOr<steps::StepRequest> request = ParseExecuteStep(params);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->text, "the 'reader' process x;");
  EXPECT_EQ(request->type, steps::StepType::kThen);
  EXPECT_EQ(request->process, "reader");
  EXPECT_TRUE(request->is_broadcast);
  EXPECT_FALSE(request->table.has_value());
}

TEST(ParseExecuteStepTest, ToleratesCasingTypeNamesAndExtraKeys) {
  const absl::StatusOr<steps::StepRequest> request = ParseExecuteStep(
      Json::parse(R"({"step":"s","stepType":"when","originalStep":"s",
                      "data":{"x":1}})"));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->type, steps::StepType::kWhen);
  EXPECT_TRUE(request->unrecognized_type.empty());
  EXPECT_FALSE(ParseExecuteStep(Json::parse(R"({"StepType":0})")).ok());
  EXPECT_FALSE(ParseExecuteStep(Json::parse(R"({"Step":["s"]})")).ok());
}

TEST(ParseExecuteStepTest, MapsTheKnownStepTypes) {
  const std::vector<std::pair<Json, steps::StepType>> known = {
      {0, steps::StepType::kGiven},     {1, steps::StepType::kWhen},
      {2, steps::StepType::kThen},      {"Given", steps::StepType::kGiven},
      {"WHEN", steps::StepType::kWhen}, {"then", steps::StepType::kThen},
      {"1", steps::StepType::kWhen},    {"2", steps::StepType::kThen},
  };
  for (const auto& [type, expected] : known) {
    const absl::StatusOr<steps::StepRequest> request =
        ParseExecuteStep(Json{{"Step", "s"}, {"StepType", type}});
    ASSERT_TRUE(request.ok()) << type << ": " << request.status();
    EXPECT_EQ(request->type, expected) << type;
    EXPECT_TRUE(request->unrecognized_type.empty()) << type;
  }
}

// Contract 8: never reject a step only because of its type.
TEST(ParseExecuteStepTest, AcceptsAnyOtherStepTypeAsUnknown) {
  for (const Json& type :
       {Json("And"), Json("But"), Json(1.0), Json(true), Json(3), Json(-1),
        Json("01"), Json::object(), Json::array({0})}) {
    const absl::StatusOr<steps::StepRequest> request =
        ParseExecuteStep(Json{{"Step", "s"}, {"StepType", type}});
    ASSERT_TRUE(request.ok()) << type << ": " << request.status();
    EXPECT_FALSE(request->type.has_value()) << type;
    EXPECT_EQ(request->unrecognized_type, type.dump()) << type;
  }
  const absl::StatusOr<steps::StepRequest> untyped =
      ParseExecuteStep(Json{{"Step", "s"}, {"StepType", nullptr}});
  ASSERT_TRUE(untyped.ok()) << untyped.status();
  EXPECT_FALSE(untyped->type.has_value());
  EXPECT_TRUE(untyped->unrecognized_type.empty()) << "null means no type";
}

TEST(ParseExecuteStepTest, TakesATableAtTheTopOrInParameters) {
  const Json rows = Json::parse(R"([["size","iterations"],["1KB","10"]])");
  for (const Json& params :
       {Json{{"Step", "s"}, {"Table", rows}},
        Json{{"Step", "s"}, {"Parameters", {{"table", rows}}}}}) {
    const absl::StatusOr<steps::StepRequest> request = ParseExecuteStep(params);
    ASSERT_TRUE(request.ok()) << request.status();
    ASSERT_TRUE(request->table.has_value());
    EXPECT_THAT(*request->table, ElementsAre(ElementsAre("size", "iterations"),
                                             ElementsAre("1KB", "10")));
  }
  EXPECT_FALSE(
      ParseExecuteStep(Json{{"Step", "s"}, {"Table", Json::array({1})}}).ok());
}

TEST(ParseExecuteStepTest, TakesEveryTableShape) {
  const absl::StatusOr<steps::StepRequest> request =
      ParseExecuteStep(Json::parse(R"({"Step":"s","Table":
          {"headers":["size","iterations"],"rows":[{"size":"1KB",
           "iterations":10}]}})"));
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_TRUE(request->table.has_value());
  EXPECT_THAT(*request->table, ElementsAre(ElementsAre("size", "iterations"),
                                           ElementsAre("1KB", "10")));
}

TEST(StepResponseTest, UsesTheContractNamesAndTypes) {
  steps::StepOutcome outcome;
  outcome.success = false;
  outcome.error = "read 3, expected 4";
  outcome.logs.push_back({absl::FromUnixMillis(1764065730123),
                          steps::LogLevel::kWarning, "careful"});
  const Json response = StepResponse(outcome);
  EXPECT_EQ(response["Success"], false);
  EXPECT_EQ(response["Error"], "read 3, expected 4");
  EXPECT_EQ(response["Context"], Json::object());
  EXPECT_EQ(response["Logs"][0]["Level"], 3);
  EXPECT_EQ(response["Logs"][0]["Timestamp"], "2025-11-25T10:15:30.123Z");
  EXPECT_EQ(response["Logs"][0]["Message"], "careful");
  outcome.success = true;
  EXPECT_TRUE(StepResponse(outcome)["Error"].is_null());
}

TEST(StepResponseTest, ServerMadeFailuresLogTheirMessage) {
  const Json response = FailedStepResponse("Step execution timeout after 30s");
  EXPECT_EQ(response["Success"], false);
  EXPECT_THAT(response["Logs"][0]["Message"].get<std::string>(),
              HasSubstr("timeout"));
  EXPECT_EQ(response["Logs"][0]["Level"], 4);
}

}  // namespace
}  // namespace zerobuffer::serve
