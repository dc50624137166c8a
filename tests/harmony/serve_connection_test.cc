#include "tests/harmony/serve_connection.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harmony/fake_serve_log.h"
#include "tests/harmony/harmony_requests.h"

namespace zerobuffer::harmony {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

constexpr absl::Duration kGenerous = absl::Seconds(30);

Json StepParams(const std::string& text) {
  return Json::array({ExecuteStepRequest("reader", steps::StepType::kGiven,
                                         text, /*is_broadcast=*/false)});
}

// The result, or the error as a string so that it shows in a failed
// expectation.
Json ResultOf(const absl::StatusOr<Json>& reply) {
  return reply.ok() ? *reply : Json(reply.status().ToString());
}

class ServeConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override { log_ = NewFakeServeLogPath(); }

  ServeConnection StartFake(std::vector<std::string> extra_flags = {}) {
    std::vector<std::string> command = {FakeServePath(),
                                        absl::StrCat("--log=", log_)};
    command.insert(command.end(), extra_flags.begin(), extra_flags.end());
    absl::StatusOr<ServeConnection> connection =
        ServeConnection::Start(command, {{"HARMONY_HOST_PID", "77"}});
    EXPECT_TRUE(connection.ok()) << connection.status();
    return *std::move(connection);
  }

  std::string log_;
};

TEST_F(ServeConnectionTest, IdsStartAtTwoAndParamsGoOutAsGiven) {
  ServeConnection serve = StartFake();
  EXPECT_EQ(ResultOf(serve.Call("health", Json::array(), kGenerous)),
            Json(true));
  const Json object = {{"Role", "reader"}};
  EXPECT_EQ(
      ResultOf(serve.Call("initialize", Json::array({object}), kGenerous)),
      Json(true));
  serve.Stop();

  const std::vector<Json> log = ReadFakeServeLog(log_);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0]["request"],
            Json::parse(R"({"jsonrpc":"2.0","id":2,"method":"health",)"
                        R"("params":[]})"));
  EXPECT_EQ(log[1]["request"],
            Json::parse(R"({"jsonrpc":"2.0","id":3,"method":"initialize",)"
                        R"("params":[{"Role":"reader"}]})"));
  EXPECT_EQ(log[0]["HARMONY_HOST_PID"], "77");
  EXPECT_EQ(log[2]["event"], "eof");
  EXPECT_EQ(log[2]["pid"], serve.pid());
  EXPECT_THAT(serve.exit_status(),
              Optional(::testing::Field(&platform::ExitStatus::exit_code,
                                        Optional(0))));
}

TEST_F(ServeConnectionTest, ErrorReplyCarriesCodeAndMessage) {
  ServeConnection serve = StartFake();
  const absl::StatusOr<Json> remote =
      serve.Call("executeStep", StepParams("RPCERROR"), kGenerous);
  EXPECT_THAT(remote.status().message(), HasSubstr("boom"));
  EXPECT_THAT(RpcErrorCode(remote.status()), Optional(-32000));
  EXPECT_TRUE(IsRemoteInvocationError(remote.status()));

  const absl::StatusOr<Json> unknown =
      serve.Call("nonsense", Json::array(), kGenerous);
  EXPECT_THAT(RpcErrorCode(unknown.status()), Optional(-32601));
  EXPECT_FALSE(IsRemoteInvocationError(unknown.status()));

  // The connection survives error replies.
  EXPECT_TRUE(serve.Call("health", Json::array(), kGenerous).ok());
  EXPECT_EQ(RpcErrorCode(absl::UnknownError("boom")), std::nullopt);
}

TEST_F(ServeConnectionTest, ReplyWithAnotherIdIsAnError) {
  ServeConnection serve = StartFake();
  const absl::StatusOr<Json> reply =
      serve.Call("executeStep", StepParams("BADID"), kGenerous);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(reply.status().message(), HasSubstr("id 102"));
}

TEST_F(ServeConnectionTest, NoReplyWithinTheTimeoutIsAnError) {
  ServeConnection serve = StartFake();
  const absl::StatusOr<Json> reply =
      serve.Call("executeStep", StepParams("HANG"), absl::Milliseconds(100));
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(ServeConnectionTest, ServeThatExitsLosesTheConnectionForGood) {
  ServeConnection serve = StartFake();
  const absl::StatusOr<Json> reply =
      serve.Call("executeStep", StepParams("EXIT"), kGenerous);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(), HasSubstr("connection lost"));
  EXPECT_EQ(serve.Call("health", Json::array(), kGenerous).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(ServeConnectionTest, UnframedOutputLosesTheConnectionForGood) {
  ServeConnection serve = StartFake();
  const absl::StatusOr<Json> reply =
      serve.Call("executeStep", StepParams("GARBAGE"), kGenerous);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  // The fake still answers, but Harmony has dropped the connection.
  EXPECT_EQ(serve.Call("health", Json::array(), kGenerous).status().code(),
            absl::StatusCode::kUnavailable);
}

// Our serve reads LF framing; Harmony's reader does not, and neither may
// the runner's.
TEST_F(ServeConnectionTest, FramingHarmonyRejectsLosesTheConnection) {
  ServeConnection serve = StartFake();
  const absl::StatusOr<Json> reply =
      serve.Call("executeStep", StepParams("LFFRAME"), kGenerous);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(), HasSubstr("\\r\\n"));
  EXPECT_EQ(serve.Call("health", Json::array(), kGenerous).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(ServeConnectionTest, CrashIsAnsweredThenTheConnectionIsLost) {
  ServeConnection serve = StartFake();
  EXPECT_EQ(
      ResultOf(serve.Call("crash", Json::array({Json::object()}), kGenerous)),
      Json(nullptr));
  const absl::StatusOr<Json> after =
      serve.Call("health", Json::array(), kGenerous);
  EXPECT_EQ(after.status().code(), absl::StatusCode::kUnavailable);
  serve.Stop();
  EXPECT_THAT(serve.exit_status(),
              Optional(::testing::Field(&platform::ExitStatus::signal,
                                        ::testing::Ne(std::nullopt))));
}

TEST_F(ServeConnectionTest, CallsAfterStopFailAsDisposed) {
  ServeConnection serve = StartFake();
  serve.Stop();
  serve.Stop();  // idempotent
  const absl::StatusOr<Json> reply =
      serve.Call("health", Json::array(), kGenerous);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(reply.status().message(), HasSubstr("disposed"));
}

// Takes Harmony's 5 s grace period.
TEST_F(ServeConnectionTest, StopKillsAServeThatOutlivesItsStdin) {
  ServeConnection serve = StartFake({"--ignore_eof"});
  EXPECT_TRUE(serve.Call("health", Json::array(), kGenerous).ok());
  serve.Stop();
  EXPECT_THAT(serve.exit_status(),
              Optional(::testing::Field(&platform::ExitStatus::signal,
                                        ::testing::Ne(std::nullopt))));
}

TEST(ServeConnectionStartTest, MissingProgramFails) {
  EXPECT_FALSE(ServeConnection::Start({"/nonexistent/serve"}, {}).ok());
  EXPECT_FALSE(ServeConnection::Start({}, {}).ok());
}

}  // namespace
}  // namespace zerobuffer::harmony
