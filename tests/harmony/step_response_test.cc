#include "tests/harmony/step_response.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zerobuffer::harmony {
namespace {

using jsonrpc::Json;
using ::testing::HasSubstr;

absl::StatusOr<StepReply> Read(const char* json) {
  return ReadStepResponse(Json::parse(json));
}

TEST(StepResponseTest, ReadsPascalCaseResult) {
  const absl::StatusOr<StepReply> reply = Read(
      R"({"Success":false,"Error":"bad","Context":{},"Logs":[{"Timestamp":)"
      R"("2025-11-25T10:15:30.123Z","Level":2,"Message":"m"}]})");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_FALSE(reply->success);
  EXPECT_EQ(reply->error, "bad");
}

TEST(StepResponseTest, MatchesNamesRegardlessOfCase) {
  const absl::StatusOr<StepReply> reply =
      Read(R"({"success":true,"ERROR":null,"logs":[{"level":"warning"}]})");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_TRUE(reply->success);
  EXPECT_EQ(reply->error, "");
}

TEST(StepResponseTest, MissingSuccessMeansFailure) {
  const absl::StatusOr<StepReply> reply = Read(R"({"Extra":1})");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_FALSE(reply->success);
}

TEST(StepResponseTest, ConvertsWhatNewtonsoftConverts) {
  EXPECT_TRUE(Read(R"({"Success":"True"})")->success);
  EXPECT_TRUE(Read(R"({"Success":1})")->success);
  EXPECT_EQ(Read(R"({"Success":false,"Error":12})")->error, "12");
  EXPECT_TRUE(Read(R"({"Context":{"a":1},"Logs":null})").ok());
  EXPECT_TRUE(Read(R"({"Logs":[{"Level":"7"},{"Level":-1}]})").ok());
  EXPECT_TRUE(
      Read(R"({"Logs":[{"Timestamp":"2025-11-25T10:15:30+02:00"}]})").ok());
}

TEST(StepResponseTest, RejectsWhatHarmonyCannotConvert) {
  for (const char* json : {
           R"(null)",
           R"([])",
           R"({"Success":null})",
           R"({"Success":"yes"})",
           R"({"Error":{}})",
           R"({"Context":[]})",
           R"({"Context":{"a":{}}})",
           R"({"Logs":{}})",
           R"({"Logs":[null]})",
           R"({"Logs":[{"Level":"INFO"}]})",
           R"({"Logs":[{"Level":null}]})",
           R"({"Logs":[{"Timestamp":1700000000}]})",
           R"({"Logs":[{"Message":["x"]}]})",
       }) {
    EXPECT_EQ(Read(json).status().code(), absl::StatusCode::kInvalidArgument)
        << json;
  }
  EXPECT_THAT(Read(R"({"Logs":[{"Level":"INFO"}]})").status().message(),
              HasSubstr("Logs[0].Level"));
}

}  // namespace
}  // namespace zerobuffer::harmony
