// The serve binary against harmony-contract.md: framing, envelopes, every
// method, Harmony's shapes and the tolerated variants, hostile input, step
// failures and time limits, crashes, shutdown and end of input.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/file_lock.h"
#include "platform/process.h"
#include "platform/shared_memory.h"
#include "serve/jsonrpc/framing.h"
#include "tests/contract/serve_process.h"
#include "tests/support/leak_checked_test.h"
#include "tests/support/leftovers.h"
#include "tests/support/unique_names.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/names.h"

namespace zerobuffer::testing {
namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// A host PID no real process has, so buffer names are unique to this test
// process: <name>_<pid + 1000000000>_1.
uint64_t FakeHostPid() { return platform::CurrentProcessId() + 1000000000; }

std::string PhysicalName(const std::string& name) {
  return absl::StrCat(name, "_", FakeHostPid(), "_1");
}

Json Initialize(const std::string& role) {
  return Json::array({{{"Role", role},
                       {"Platform", "cpp"},
                       {"Scenario", "test"},
                       {"HostPid", FakeHostPid()},
                       {"FeatureId", 1},
                       {"TestRunId", absl::StrCat(FakeHostPid(), "_1")}}});
}

Json Step(const std::string& text, int type = 0) {
  return Json::array({{{"Process", "reader"},
                       {"StepType", type},
                       {"Step", text},
                       {"Parameters", Json::object()},
                       {"Context", Json::object()},
                       {"IsBroadcast", false}}});
}

std::string CreateBuffer(const std::string& name) {
  return absl::StrCat("the 'reader' process creates buffer '", name,
                      "' with metadata size '1024' and payload size '10240'");
}

class ServeContractTest : public LeakCheckedTest {
 protected:
  void SetUp() override {
    absl::StatusOr<ServeProcess> serve = ServeProcess::Start(FakeHostPid());
    ASSERT_TRUE(serve.ok()) << serve.status();
    serve_ = std::make_unique<ServeProcess>(*std::move(serve));
  }

  void TearDown() override {
    // As Harmony ends a scenario: end of input, then the serve releases its
    // buffers and exits (a kill would leave its worker finishing alone).
    serve_->CloseStdin();
    EXPECT_TRUE(serve_->WaitFor(absl::Seconds(5)).has_value());
    serve_.reset();
    LeakCheckedTest::TearDown();
  }

  // A buffer name carrying this process's marker, so leftovers are found.
  static std::string BufferName(const std::string& tag) {
    return UniqueBufferName(tag);
  }

  Json CallOk(const Json& id, const std::string& method, const Json& params) {
    absl::StatusOr<Json> reply = serve_->Call(id, method, params);
    EXPECT_TRUE(reply.ok()) << method << ": " << reply.status();
    return reply.ok() ? *reply : Json();
  }

  Json StepResult(const std::string& text, int id = 100) {
    return CallOk(id, "executeStep", Step(text))["result"];
  }

  std::unique_ptr<ServeProcess> serve_;
};

TEST_F(ServeContractTest, HealthAnswersTrueWithTheSameId) {
  const Json reply = CallOk(2, "health", Json::array());
  EXPECT_EQ(reply, Json({{"jsonrpc", "2.0"}, {"id", 2}, {"result", true}}));
  // A string id comes back as a string.
  EXPECT_EQ(CallOk("seven", "health", Json::array())["id"], "seven");
}

TEST_F(ServeContractTest, InitializeAcceptsHarmonysShapeAndOthers) {
  EXPECT_EQ(CallOk(3, "initialize", Initialize("reader"))["result"], true);
  // The bare, camelCase object of Harmony's older documents.
  EXPECT_EQ(CallOk(4, "initialize",
                   {{"role", "reader"},
                    {"hostPid", FakeHostPid()},
                    {"featureId", 1},
                    {"unknownKey", "ignored"}})["result"],
            true);
  EXPECT_EQ(CallOk(5, "initialize", Json::array())["result"], true);
}

TEST_F(ServeContractTest, ExecuteStepRepliesWithAHarmonyStepResponse) {
  CallOk(3, "initialize", Initialize("reader"));
  const Json result = StepResult("the test environment is initialized");
  EXPECT_EQ(result["Success"], true);
  EXPECT_TRUE(result["Error"].is_null());
  EXPECT_EQ(result["Context"], Json::object());
  ASSERT_TRUE(result["Logs"].is_array());
  ASSERT_FALSE(result["Logs"].empty());
  for (const Json& entry : result["Logs"]) {
    // LogLevel as an integer 0..6 and an ISO-8601 UTC timestamp.
    EXPECT_TRUE(entry["Level"].is_number_integer()) << entry;
    EXPECT_GE(entry["Level"].get<int>(), 0);
    EXPECT_LE(entry["Level"].get<int>(), 6);
    EXPECT_THAT(
        entry["Timestamp"].get<std::string>(),
        ContainsRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                      "\\.[0-9]{3}Z$"));
    EXPECT_TRUE(entry["Message"].is_string());
  }
}

TEST_F(ServeContractTest, StepTypesAndKeyCasingAreTolerated) {
  for (const Json& type : {Json(0), Json(1), Json(2), Json("Given"),
                           Json("then"), Json(nullptr)}) {
    const Json reply =
        CallOk(9, "executeStep",
               {{"step", "all processes are ready"}, {"stepType", type}});
    EXPECT_EQ(reply["result"]["Success"], true) << type;
  }
  const Json reply = CallOk(
      10, "executeStep",
      Json::array({{{"STEP", "all processes are ready"}, {"StepType", 7}}}));
  EXPECT_EQ(reply["error"]["code"], -32602) << "StepType 7 does not exist";
}

TEST_F(ServeContractTest, BuffersGetTheHarmonyIsolationName) {
  CallOk(3, "initialize", Initialize("reader"));
  const std::string name = BufferName("isolated");
  EXPECT_EQ(StepResult(CreateBuffer(name))["Success"], true);
  EXPECT_TRUE(platform::SharedMemory::Open(PhysicalName(name)).ok());
  EXPECT_EQ(StepResult("the test environment is initialized")["Success"], true);
  EXPECT_FALSE(platform::SharedMemory::Open(PhysicalName(name)).ok())
      << "resetting the environment releases the buffer";
}

TEST_F(ServeContractTest, AFailingStepIsAResultNotAnRpcError) {
  CallOk(3, "initialize", Initialize("reader"));
  const Json unknown =
      CallOk(4, "executeStep", Step("the moon is made of cheese"));
  EXPECT_FALSE(unknown.contains("error"));
  EXPECT_EQ(unknown["result"]["Success"], false);
  EXPECT_THAT(
      unknown["result"]["Error"].get<std::string>(),
      AllOf(HasSubstr("No step definition matches"), HasSubstr("closest")));
  // A library error carries the library's own words.
  const Json no_writer =
      StepResult("the 'writer' process writes frame with size '10'");
  EXPECT_EQ(no_writer["Success"], false);
  EXPECT_THAT(no_writer["Error"].get<std::string>(), HasSubstr("no writer"));
}

TEST_F(ServeContractTest, ErrorsGetTheirJsonRpcCodesAndServingGoesOn) {
  EXPECT_EQ(CallOk(2, "noSuchMethod", Json::array())["error"]["code"], -32601);
  EXPECT_EQ(CallOk(3, "executeStep", Json::array({1, 2}))["error"]["code"],
            -32602);
  EXPECT_EQ(CallOk(4, "executeStep", Json::array())["error"]["code"], -32602)
      << "no Step";

  ASSERT_TRUE(serve_->WriteRaw(jsonrpc::FrameMessage("{not json")).ok());
  absl::StatusOr<Json> parse_error = serve_->Receive();
  ASSERT_TRUE(parse_error.ok()) << parse_error.status();
  EXPECT_EQ((*parse_error)["error"]["code"], -32700);

  ASSERT_TRUE(
      serve_->WriteRaw(jsonrpc::FrameMessage(R"({"jsonrpc":"1.0","id":5})"))
          .ok());
  absl::StatusOr<Json> invalid = serve_->Receive();
  ASSERT_TRUE(invalid.ok()) << invalid.status();
  EXPECT_EQ((*invalid)["error"]["code"], -32600);
  EXPECT_EQ((*invalid)["id"], 5) << "the id is kept whenever it can be";

  EXPECT_EQ(CallOk(6, "health", Json::array())["result"], true);
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
  EXPECT_EQ((*serve_->Receive())["result"], true);
  const std::string framed = jsonrpc::FrameMessage(body);
  for (size_t i = 0; i < framed.size(); i += 7) {
    ASSERT_TRUE(serve_->WriteRaw(framed.substr(i, 7)).ok());
  }
  EXPECT_EQ((*serve_->Receive())["result"], true);
}

TEST_F(ServeContractTest, MalformedFramesAndTextDoNotStopTheServer) {
  // A header block without Content-Length: its end is all that is known.
  ASSERT_TRUE(serve_->WriteRaw("X-Junk: 1\r\n\r\n").ok());
  absl::StatusOr<Json> no_length = serve_->Receive();
  ASSERT_TRUE(no_length.ok()) << no_length.status();
  EXPECT_EQ((*no_length)["error"]["code"], -32700);
  // JSON text must be UTF-8; these bytes are not.
  ASSERT_TRUE(
      serve_
          ->WriteRaw(jsonrpc::FrameMessage(
              "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
              "\"executeStep\",\"params\":[{\"Step\":\"caf\xff\xfe\"}]}"))
          .ok());
  absl::StatusOr<Json> not_utf8 = serve_->Receive();
  ASSERT_TRUE(not_utf8.ok()) << not_utf8.status();
  EXPECT_EQ((*not_utf8)["error"]["code"], -32700);
  EXPECT_EQ(CallOk(8, "health", Json::array())["result"], true);
}

TEST(ServeMessageCapTest, AnOversizedMessageIsSkippedAndServingGoesOn) {
  absl::StatusOr<ServeProcess> serve =
      ServeProcess::Start(FakeHostPid(), {"--max_message_bytes=1000"});
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string huge = absl::StrCat(
      R"({"jsonrpc":"2.0","id":3,"method":"executeStep","params":[{"Step":")",
      std::string(2000, 'x'), R"("}]})");
  ASSERT_TRUE(serve->WriteRaw(jsonrpc::FrameMessage(huge)).ok());
  absl::StatusOr<Json> rejected = serve->Receive();
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_THAT((*rejected)["error"]["message"].get<std::string>(),
              HasSubstr("1000"));
  absl::StatusOr<Json> health = serve->Call(4, "health", Json::array());
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ((*health)["result"], true);
}

TEST_F(ServeContractTest, NotificationsAreNeverAnswered) {
  ASSERT_TRUE(serve_->Send({{"jsonrpc", "2.0"}, {"method", "health"}}).ok());
  ASSERT_TRUE(serve_->Send({{"jsonrpc", "2.0"}, {"method", "nothing"}}).ok());
  // The first answer to arrive is the one to the next request.
  EXPECT_EQ(CallOk(11, "health", Json::array())["id"], 11);
}

TEST_F(ServeContractTest, DiscoverListsStepsWithTheirTypes) {
  const Json steps = CallOk(2, "discover", Json::array())["result"]["Steps"];
  ASSERT_TRUE(steps.is_array());
  ASSERT_FALSE(steps.empty());
  for (const Json& step : steps) {
    EXPECT_THAT(step["Type"].get<std::string>(),
                ::testing::AnyOf("Given", "When", "Then"));
    EXPECT_THAT(step["Pattern"].get<std::string>(),
                AllOf(StartsWith("^"), ::testing::EndsWith("$")));
  }
}

TEST_F(ServeContractTest, CleanupResetsTheStepState) {
  CallOk(3, "initialize", Initialize("reader"));
  const std::string name = BufferName("cleanup");
  EXPECT_EQ(StepResult(CreateBuffer(name))["Success"], true);
  EXPECT_TRUE(CallOk(4, "cleanup", Json::array())["result"].is_null());
  EXPECT_FALSE(platform::SharedMemory::Open(PhysicalName(name)).ok());
}

// Harmony answers crash first and then needs the owner of the buffers dead,
// resources left behind (contract 5.4); yet a later step on the same pipes
// must work, as in scenario 2.3.
TEST_F(ServeContractTest, CrashKillsTheBufferOwnerButServingGoesOn) {
  CallOk(3, "initialize", Initialize("reader"));
  const std::string name = BufferName("crash");
  EXPECT_EQ(StepResult(CreateBuffer(name))["Success"], true);
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(PhysicalName(name));
  ASSERT_TRUE(segment.ok());
  const uint64_t owner =
      reinterpret_cast<const OIEB*>(segment->data())->reader_pid;
  ASSERT_TRUE(platform::IsProcessAlive(owner));

  const Json reply =
      CallOk(4, "crash", Json::array({{{"IsCancellationRequested", false}}}));
  EXPECT_TRUE(reply.contains("result")) << reply;
  EXPECT_FALSE(platform::IsProcessAlive(owner)) << "the owner must be dead";
  EXPECT_TRUE(platform::SharedMemory::Open(PhysicalName(name)).ok())
      << "a crash leaves the resources behind";
  EXPECT_FALSE(
      *platform::FileLock::IsHeld(LockFilePaths(PhysicalName(name))[0]));

  // The next step meets a fresh process that replaces the stale buffer.
  const Json recreated = StepResult(CreateBuffer(name));
  EXPECT_EQ(recreated["Success"], true) << recreated;
  EXPECT_THAT(recreated["Logs"].dump(), HasSubstr("abandoned"));
}

TEST_F(ServeContractTest, ShutdownAnswersThenExitsCleanly) {
  CallOk(3, "initialize", Initialize("reader"));
  EXPECT_EQ(StepResult(CreateBuffer(BufferName("shutdown")))["Success"], true);
  EXPECT_TRUE(CallOk(4, "shutdown", Json::array())["result"].is_null());
  const std::optional<platform::ExitStatus> exit =
      serve_->WaitFor(absl::Seconds(5));
  ASSERT_TRUE(exit.has_value()) << "serve did not exit after shutdown";
  EXPECT_TRUE(exit->success()) << exit->ToString();
}

TEST_F(ServeContractTest, EndOfInputReleasesBuffersAndExits) {
  CallOk(3, "initialize", Initialize("reader"));
  const std::string name = BufferName("eof");
  EXPECT_EQ(StepResult(CreateBuffer(name))["Success"], true);
  serve_->CloseStdin();
  // Harmony kills a serve that is still there after 5 s.
  const std::optional<platform::ExitStatus> exit =
      serve_->WaitFor(absl::Seconds(5));
  ASSERT_TRUE(exit.has_value()) << "serve did not exit at end of input";
  EXPECT_TRUE(exit->success()) << exit->ToString();
  EXPECT_THAT(FindLeftovers(name), IsEmpty()) << "reader resources remain";
}

// A step that would block beyond the limit fails as a result; the server
// stays usable with a fresh worker.
TEST(ServeTimeLimitTest, AStepPastTheLimitFailsAndServingGoesOn) {
  absl::StatusOr<ServeProcess> serve =
      ServeProcess::Start(FakeHostPid(), {"--step_timeout=1s"});
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string name = UniqueBufferName("time-limit");
  ASSERT_TRUE(serve->Call(2, "executeStep", Step(CreateBuffer(name))).ok());
  // Waits up to 5 s for a frame nobody writes.
  absl::StatusOr<Json> reply = serve->Call(
      3, "executeStep",
      Step("the 'reader' process should read frame with size '10'"));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ((*reply)["result"]["Success"], false);
  EXPECT_THAT((*reply)["result"]["Error"].get<std::string>(),
              HasSubstr("Step execution timeout after 1s"));
  absl::StatusOr<Json> next =
      serve->Call(4, "executeStep", Step("all processes are ready"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ((*next)["result"]["Success"], true);
  serve->CloseStdin();
  EXPECT_TRUE(serve->WaitFor(absl::Seconds(5)).has_value());
  // The replaced worker's buffer was stale; the serve tidied it at exit.
  EXPECT_THAT(FindLeftovers(name), IsEmpty());
}

}  // namespace
}  // namespace zerobuffer::testing
