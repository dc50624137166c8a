// The serve binary against harmony-contract.md: framing, envelopes, every
// method, Harmony's shapes and the tolerated variants, hostile input and
// step failures. The lifecycle and the command line have their own tests.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/shared_memory.h"
#include "serve/jsonrpc/framing.h"
#include "tests/contract/serve_process.h"
#include "tests/contract/serve_test_fixture.h"

namespace zerobuffer::testing {
namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(ServeContractTest, HealthAnswersTrueWithTheSameId) {
  const Json reply = CallOk(2, "health", Json::array());
  EXPECT_EQ(reply, Json({{"jsonrpc", "2.0"}, {"id", 2}, {"result", true}}));
  // A string id comes back as a string.
  EXPECT_EQ(CallOk("seven", "health", Json::array()).at("id"), "seven");
}

TEST_F(ServeContractTest, InitializeAcceptsHarmonysShapeAndOthers) {
  EXPECT_EQ(CallOk(3, "initialize", InitializeParams("reader")).at("result"),
            true);
  // The bare, camelCase object of Harmony's older documents.
  EXPECT_EQ(CallOk(4, "initialize",
                   {{"role", "reader"},
                    {"hostPid", FakeHostPid()},
                    {"featureId", 1},
                    {"unknownKey", "ignored"}})
                .at("result"),
            true);
  EXPECT_EQ(CallOk(5, "initialize", Json::array()).at("result"), true);
}

TEST_F(ServeContractTest, ExecuteStepRepliesWithAHarmonyStepResponse) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const Json result = StepResult("the test environment is initialized");
  EXPECT_EQ(result.at("Success"), true);
  EXPECT_TRUE(result.at("Error").is_null());
  EXPECT_EQ(result.at("Context"), Json::object());
  ASSERT_TRUE(result.at("Logs").is_array());
  ASSERT_FALSE(result.at("Logs").empty());
  for (const Json& entry : result.at("Logs")) {
    // LogLevel as an integer 0..6 and an ISO-8601 UTC timestamp.
    EXPECT_TRUE(entry.at("Level").is_number_integer()) << entry;
    EXPECT_GE(entry.at("Level").get<int>(), 0);
    EXPECT_LE(entry.at("Level").get<int>(), 6);
    EXPECT_THAT(
        entry.at("Timestamp").get<std::string>(),
        ContainsRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                      "\\.[0-9]{3}Z$"));
    EXPECT_TRUE(entry.at("Message").is_string());
  }
}

TEST_F(ServeContractTest, StepTypesAndKeyCasingAreTolerated) {
  for (const Json& type : {Json(0), Json(1), Json(2), Json("Given"),
                           Json("then"), Json(nullptr)}) {
    const Json reply =
        CallOk(9, "executeStep",
               {{"step", "all processes are ready"}, {"stepType", type}});
    EXPECT_EQ(reply.at("result").at("Success"), true) << type;
  }
  // Contract 8: a step is never rejected for its type; an unknown one is
  // only worth a warning.
  for (const Json& type :
       {Json("And"), Json("1"), Json(1.0), Json(true), Json(3), Json(-1)}) {
    const Json reply = CallOk(10, "executeStep",
                              Json::array({{{"STEP", "all processes are ready"},
                                            {"StepType", type}}}));
    ASSERT_TRUE(reply.contains("result")) << type << ": " << reply;
    EXPECT_EQ(reply.at("result").at("Success"), true) << type;
    std::string messages;
    for (const Json& entry : reply.at("result").at("Logs")) {
      absl::StrAppend(&messages, entry.at("Message").get<std::string>(), "\n");
    }
    const std::string warning =
        absl::StrCat("StepType ", type.dump(), " is none of");
    if (type == Json("1")) {
      EXPECT_THAT(messages, Not(HasSubstr(warning))) << "\"1\" is When";
    } else {
      EXPECT_THAT(messages, HasSubstr(warning));
    }
  }
}

TEST_F(ServeContractTest, BuffersGetTheHarmonyIsolationName) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("isolated");
  EXPECT_EQ(StepResult(CreateBufferStep(name)).at("Success"), true);
  EXPECT_TRUE(platform::SharedMemory::Open(PhysicalName(name)).ok());
  EXPECT_EQ(StepResult("the test environment is initialized").at("Success"),
            true);
  EXPECT_FALSE(platform::SharedMemory::Open(PhysicalName(name)).ok())
      << "resetting the environment releases the buffer";
}

// The upstream serves name buffers from the environment alone; a C++
// process must meet them there even if initialize says otherwise.
TEST_F(ServeContractTest, TheEnvironmentWinsOverInitializeForNames) {
  Json params = InitializeParams("reader");
  params[0]["HostPid"] = FakeHostPid() + 1;
  params[0]["FeatureId"] = 7;
  CallOk(3, "initialize", params);
  const std::string name = BufferName("environment");
  EXPECT_EQ(StepResult(CreateBufferStep(name)).at("Success"), true);
  EXPECT_TRUE(platform::SharedMemory::Open(PhysicalName(name)).ok())
      << "expected the buffer at " << PhysicalName(name);
}

TEST_F(ServeContractTest, AFailingStepIsAResultNotAnRpcError) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const Json unknown =
      CallOk(4, "executeStep", StepParams("the moon is made of cheese"));
  EXPECT_FALSE(unknown.contains("error"));
  EXPECT_EQ(unknown.at("result").at("Success"), false);
  EXPECT_THAT(
      unknown.at("result").at("Error").get<std::string>(),
      AllOf(HasSubstr("No step definition matches"), HasSubstr("closest")));
  // A library error carries the library's own words.
  const Json no_writer =
      StepResult("the 'writer' process writes frame with size '10'");
  EXPECT_EQ(no_writer.at("Success"), false);
  EXPECT_THAT(no_writer.at("Error").get<std::string>(), HasSubstr("no writer"));
}

TEST_F(ServeContractTest, ErrorsGetTheirJsonRpcCodesAndServingGoesOn) {
  Restart({.capture_stderr = true});
  EXPECT_EQ(CallOk(2, "noSuchMethod", Json::array()).at("error").at("code"),
            -32601);
  EXPECT_EQ(
      CallOk(3, "executeStep", Json::array({1, 2})).at("error").at("code"),
      -32602);
  EXPECT_EQ(CallOk(4, "executeStep", Json::array()).at("error").at("code"),
            -32602)
      << "no Step";

  ASSERT_TRUE(serve_->WriteRaw(jsonrpc::FrameMessage("{not json")).ok());
  absl::StatusOr<Json> parse_error = serve_->Receive();
  ASSERT_TRUE(parse_error.ok()) << parse_error.status();
  EXPECT_EQ((*parse_error).at("error").at("code"), -32700);

  ASSERT_TRUE(
      serve_->WriteRaw(jsonrpc::FrameMessage(R"({"jsonrpc":"1.0","id":5})"))
          .ok());
  absl::StatusOr<Json> invalid = serve_->Receive();
  ASSERT_TRUE(invalid.ok()) << invalid.status();
  EXPECT_EQ((*invalid).at("error").at("code"), -32600);
  EXPECT_EQ((*invalid).at("id"), 5) << "the id is kept whenever it can be";

  // Broken JSON after the id: the call is still answered.
  ASSERT_TRUE(serve_
                  ->WriteRaw(jsonrpc::FrameMessage(
                      R"({"jsonrpc":"2.0","id":6,"method":"health",)"))
                  .ok());
  absl::StatusOr<Json> torn = serve_->Receive();
  ASSERT_TRUE(torn.ok()) << torn.status();
  EXPECT_EQ((*torn).at("error").at("code"), -32700);
  EXPECT_EQ((*torn).at("id"), 6) << "the id precedes the break";

  EXPECT_EQ(CallOk(7, "health", Json::array()).at("result"), true);

  // Every error is also a warning on stderr, with its reason.
  serve_->CloseStdin();
  absl::StatusOr<std::string> logged =
      serve_->ReadStderrToEnd(absl::Seconds(10));
  ASSERT_TRUE(logged.ok()) << logged.status();
  EXPECT_THAT(*logged,
              AllOf(HasSubstr("Warning: JSON-RPC error -32601 (Method not "
                              "found) for 'noSuchMethod' (id 2)"),
                    HasSubstr("Warning: JSON-RPC error -32602 (Invalid "
                              "params) for 'executeStep' (id 3): params must "
                              "be"),
                    HasSubstr("Warning: JSON-RPC error -32602 (Invalid "
                              "params) for 'executeStep' (id 4): executeStep "
                              "needs a string Step"),
                    HasSubstr("Warning: JSON-RPC error -32700 (Parse error) "
                              "(id null): Parse error: "),
                    HasSubstr("Warning: JSON-RPC error -32600 (Invalid "
                              "Request) (id 5): Invalid Request: \"jsonrpc\" "
                              "is not \"2.0\""),
                    HasSubstr("Warning: JSON-RPC error -32700 (Parse error) "
                              "(id 6)")));
}

TEST_F(ServeContractTest, FramingVariantsAreAccepted) {
  const std::string body = R"({"jsonrpc":"2.0","id":2,"method":"health"})";
  // Bare LF, other headers, any header case and spacing, and the bytes of
  // one message spread over several writes.
  ASSERT_TRUE(serve_
                  ->WriteRaw(absl::StrCat("content-length:", body.size(),
                                          "\nContent-Type: application/"
                                          "vscode-jsonrpc; charset=utf-8\n\n",
                                          body))
                  .ok());
  EXPECT_EQ((*serve_->Receive()).at("result"), true);
  const std::string framed = jsonrpc::FrameMessage(body);
  for (size_t i = 0; i < framed.size(); i += 7) {
    ASSERT_TRUE(serve_->WriteRaw(framed.substr(i, 7)).ok());
  }
  EXPECT_EQ((*serve_->Receive()).at("result"), true);
}

TEST_F(ServeContractTest, MalformedFramesAndTextDoNotStopTheServer) {
  // A header block without Content-Length: its end is all that is known.
  ASSERT_TRUE(serve_->WriteRaw("X-Junk: 1\r\n\r\n").ok());
  absl::StatusOr<Json> no_length = serve_->Receive();
  ASSERT_TRUE(no_length.ok()) << no_length.status();
  EXPECT_EQ((*no_length).at("error").at("code"), -32700);
  // JSON text must be UTF-8; these bytes are not.
  ASSERT_TRUE(
      serve_
          ->WriteRaw(jsonrpc::FrameMessage(
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
              "\"executeStep\",\"params\":[{\"Step\":\"caf\xff\xfe\"}]}"))
          .ok());
  absl::StatusOr<Json> not_utf8 = serve_->Receive();
  ASSERT_TRUE(not_utf8.ok()) << not_utf8.status();
  EXPECT_EQ((*not_utf8).at("error").at("code"), -32700);
  EXPECT_EQ((*not_utf8).at("id"), 7);
  EXPECT_EQ(CallOk(8, "health", Json::array()).at("result"), true);
}

TEST_F(ServeContractTest, AnOversizedMessageIsSkippedAndServingGoesOn) {
  Restart({.arguments = {"--max_message_bytes=1000"}});
  const std::string huge = absl::StrCat(
      R"({"jsonrpc":"2.0","id":3,"method":"executeStep","params":[{"Step":")",
      std::string(2000, 'x'), R"("}]})");
  ASSERT_TRUE(serve_->WriteRaw(jsonrpc::FrameMessage(huge)).ok());
  absl::StatusOr<Json> rejected = serve_->Receive();
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_THAT((*rejected).at("error").at("message").get<std::string>(),
              HasSubstr("1000"));
  EXPECT_EQ(CallOk(4, "health", Json::array()).at("result"), true);
}

TEST_F(ServeContractTest, NotificationsAreNeverAnswered) {
  ASSERT_TRUE(serve_->Send({{"jsonrpc", "2.0"}, {"method", "health"}}).ok());
  ASSERT_TRUE(serve_->Send({{"jsonrpc", "2.0"}, {"method", "nothing"}}).ok());
  // The first answer to arrive is the one to the next request.
  EXPECT_EQ(CallOk(11, "health", Json::array()).at("id"), 11);
}

TEST_F(ServeContractTest, DiscoverListsStepsWithTheirTypes) {
  const Json steps =
      CallOk(2, "discover", Json::array()).at("result").at("Steps");
  ASSERT_TRUE(steps.is_array());
  ASSERT_FALSE(steps.empty());
  for (const Json& step : steps) {
    EXPECT_THAT(step.at("Type").get<std::string>(),
                ::testing::AnyOf("Given", "When", "Then"));
    EXPECT_THAT(step.at("Pattern").get<std::string>(),
                AllOf(StartsWith("^"), ::testing::EndsWith("$")));
  }
}

}  // namespace
}  // namespace zerobuffer::testing
