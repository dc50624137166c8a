// The serve binary's lifecycle against harmony-contract.md: initialize and
// cleanup resetting the step state, crash (5.4), shutdown (5.5), the end of
// input (2.4) and the per-step time limit (7).

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/file_lock.h"
#include "platform/process.h"
#include "platform/shared_memory.h"
#include "tests/contract/serve_process.h"
#include "tests/contract/serve_test_fixture.h"
#include "tests/support/leftovers.h"
#include "tests/support/poll_until.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/names.h"
#include "zerobuffer/oieb_view.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The promise for the end of input: everything released and exit 0
// within a second (Harmony itself waits 5 s before it kills).
constexpr absl::Duration kEndOfInputExit = absl::Seconds(1);

// Closes the serve's input and expects it to exit 0 within kEndOfInputExit.
void ExpectCleanExitAtEndOfInput(ServeProcess& serve) {
  serve.CloseStdin();
  const std::optional<platform::ExitStatus> exit =
      serve.WaitFor(kEndOfInputExit);
  ASSERT_TRUE(exit.has_value())
      << "serve still running " << kEndOfInputExit << " after end of input";
  EXPECT_TRUE(exit->success()) << exit->ToString();
}

TEST_F(ServeContractTest, InitializeResetsTheStepState) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("initialize");
  EXPECT_EQ(StepResult(CreateBufferStep(name)).at("Success"), true);
  ASSERT_TRUE(platform::SharedMemory::Open(PhysicalName(name)).ok());

  EXPECT_EQ(CallOk(4, "initialize", InitializeParams("reader")).at("result"),
            true);
  EXPECT_FALSE(platform::SharedMemory::Open(PhysicalName(name)).ok())
      << "a second initialize must release the buffers of the first";
  // The name is free again, as for a new scenario.
  EXPECT_EQ(StepResult(CreateBufferStep(name)).at("Success"), true);
}

TEST_F(ServeContractTest, CleanupResetsTheStepState) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("cleanup");
  EXPECT_EQ(StepResult(CreateBufferStep(name)).at("Success"), true);
  EXPECT_TRUE(CallOk(4, "cleanup", Json::array()).at("result").is_null());
  EXPECT_FALSE(platform::SharedMemory::Open(PhysicalName(name)).ok());
}

// Harmony needs the answer to crash first, and then the owner of the
// buffers dead with its resources left behind (contract 5.4); yet a later
// step on the same pipes must work, as in scenario 2.3.
TEST_F(ServeContractTest, CrashAnswersThenKillsTheBufferOwner) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("crash");
  EXPECT_EQ(StepResult(CreateBufferStep(name)).at("Success"), true);
  const absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(PhysicalName(name));
  ASSERT_TRUE(segment.ok()) << segment.status();
  const uint64_t owner = OiebView(segment->data()).Load(&OIEB::reader_pid);
  ASSERT_TRUE(platform::IsProcessAlive(owner));
  // Tests running beside this one create readers, whose stale scans would
  // rightly remove the crashed buffer before we look; a scan leaves a
  // buffer alone while its writer lives.
  Writer keeps_the_buffer(PhysicalName(name));

  const Json reply =
      CallOk(4, "crash", Json::array({{{"IsCancellationRequested", false}}}));
  EXPECT_TRUE(reply.contains("result")) << reply;
  // The owner dies right after the answer and is reaped before the next
  // message is read: once health is answered, it is gone.
  EXPECT_EQ(CallOk(5, "health", Json::array()).at("result"), true);
  EXPECT_FALSE(platform::IsProcessAlive(owner))
      << "process " << owner << ", the buffer's reader, must be dead";
  EXPECT_TRUE(platform::SharedMemory::Open(PhysicalName(name)).ok())
      << "a crash leaves the resources behind";
  EXPECT_FALSE(
      *platform::FileLock::IsHeld(LockFilePaths(PhysicalName(name))[0]));

  // The next step meets a fresh process that replaces the stale buffer.
  const Json recreated = StepResult(CreateBufferStep(name));
  EXPECT_EQ(recreated.at("Success"), true) << recreated;
  EXPECT_THAT(recreated.at("Logs").dump(), HasSubstr("abandoned"));
}

TEST_F(ServeContractTest, ShutdownAnswersThenExitsCleanly) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("shutdown");
  EXPECT_EQ(StepResult(CreateBufferStep(name)).at("Success"), true);
  EXPECT_TRUE(CallOk(4, "shutdown", Json::array()).at("result").is_null());
  const std::optional<platform::ExitStatus> exit =
      serve_->WaitFor(absl::Seconds(5));
  ASSERT_TRUE(exit.has_value()) << "serve did not exit after shutdown";
  EXPECT_TRUE(exit->success()) << exit->ToString();
  EXPECT_THAT(FindLeftovers(name), IsEmpty()) << "reader resources remain";
}

TEST_F(ServeContractTest, EndOfInputReleasesBuffersAndExits) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("eof");
  EXPECT_EQ(StepResult(CreateBufferStep(name)).at("Success"), true);
  ASSERT_NO_FATAL_FAILURE(ExpectCleanExitAtEndOfInput(*serve_));
  EXPECT_THAT(FindLeftovers(name), IsEmpty()) << "reader resources remain";
}

// A background writer blocked on a full ring nobody reads must notice the
// stop at once: the step worker then exits by itself, releasing the buffer,
// rather than being killed by the front when its grace runs out.
TEST_F(ServeContractTest, EndOfInputStopsABlockedBackgroundWriter) {
  Restart({.capture_stderr = true});
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("eof-blocked");
  EXPECT_EQ(StepResult(CreateBufferStep(name)).at("Success"), true);
  EXPECT_EQ(StepResult(absl::StrCat("the 'writer' process connects to buffer '",
                                    name, "'"))
                .at("Success"),
            true);
  EXPECT_EQ(StepResult("the 'writer' process writes '5000' frames of size "
                       "'1024' as fast as possible")
                .at("Success"),
            true);
  const absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(PhysicalName(name));
  ASSERT_TRUE(segment.ok()) << segment.status();
  const OiebView oieb(segment->data());
  // Full: no room for another 1024-byte frame and its header.
  const auto free_bytes = [&] { return oieb.Load(&OIEB::payload_free_bytes); };
  ASSERT_TRUE(PollUntil([&] { return free_bytes() < 1024 + kFrameHeaderSize; },
                        absl::Seconds(10)))
      << "the ring never filled: " << free_bytes() << " bytes free";
  ASSERT_NE(oieb.Load(&OIEB::writer_pid), 0u)
      << "the writer must still be there";

  ASSERT_NO_FATAL_FAILURE(ExpectCleanExitAtEndOfInput(*serve_));
  EXPECT_THAT(FindLeftovers(PhysicalName(name)), IsEmpty())
      << "the buffer's objects remain";
  absl::StatusOr<std::string> stderr_text =
      serve_->ReadStderrToEnd(absl::Seconds(5));
  ASSERT_TRUE(stderr_text.ok()) << stderr_text.status();
  EXPECT_THAT(*stderr_text, Not(HasSubstr("was killed")))
      << "the step worker had to be killed";
}

// A step that would block beyond the limit fails as a result; the server
// stays usable with a fresh worker.
TEST_F(ServeContractTest, AStepPastTheLimitFailsAndServingGoesOn) {
  Restart({.arguments = {"--step_timeout=1s"}});
  const std::string name = BufferName("time-limit");
  EXPECT_EQ(StepResult(CreateBufferStep(name), 2).at("Success"), true);
  // Waits up to 5 s for a frame nobody writes.
  const Json late =
      StepResult("the 'reader' process should read frame with size '10'", 3);
  EXPECT_EQ(late.at("Success"), false);
  EXPECT_THAT(late.at("Error").get<std::string>(),
              HasSubstr("Step execution timeout after 1s"));
  EXPECT_EQ(StepResult("all processes are ready", 4).at("Success"), true);
  serve_->CloseStdin();
  EXPECT_TRUE(serve_->WaitFor(absl::Seconds(5)).has_value());
  // The replaced worker's buffer was stale; the serve tidied it at exit.
  EXPECT_THAT(FindLeftovers(name), IsEmpty());
}

}  // namespace
}  // namespace zerobuffer::testing
