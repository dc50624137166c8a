// The serve binary's lifecycle against harmony-contract.md: initialize and
// cleanup resetting the step state, crash (5.4), shutdown (5.5), the end of
// input (2.4) and the per-step time limit (7).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "platform/file_lock.h"
#include "platform/process.h"
#include "platform/shared_memory.h"
#include "tests/contract/serve_process.h"
#include "tests/contract/serve_test_fixture.h"
#include "tests/support/leftovers.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/names.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The promise for the end of input: everything released and exit 0
// within a second (Harmony itself waits 5 s before it kills).
constexpr absl::Duration kEndOfInputExit = absl::Seconds(1);

// How much of a ring one frame of `size` bytes takes (its 16-byte header
// included).
constexpr uint64_t FrameFootprint(uint64_t size) { return size + 16; }

// The buffer's OIEB as the serve's processes see it.
class Oieb {
 public:
  explicit Oieb(const std::string& physical_name)
      : segment_(platform::SharedMemory::Open(physical_name)) {}

  bool ok() const { return segment_.ok(); }
  absl::Status status() const { return segment_.status(); }

  uint64_t reader_pid() const { return Load(&OIEB::reader_pid); }
  uint64_t writer_pid() const { return Load(&OIEB::writer_pid); }
  uint64_t payload_free_bytes() const {
    return Load(&OIEB::payload_free_bytes);
  }

 private:
  // The serve's processes change these fields as we read them.
  uint64_t Load(uint64_t OIEB::*field) const {
    auto* oieb = reinterpret_cast<OIEB*>(segment_->data());
    return std::atomic_ref<uint64_t>(oieb->*field).load();
  }

  absl::StatusOr<platform::SharedMemory> segment_;
};

// Polls `condition` until it holds or `timeout` passes.
template <typename Condition>
bool Await(Condition condition, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST_F(ServeContractTest, InitializeResetsTheStepState) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("initialize");
  EXPECT_EQ(StepResult(CreateBufferStep(name))["Success"], true);
  ASSERT_TRUE(platform::SharedMemory::Open(PhysicalName(name)).ok());

  EXPECT_EQ(CallOk(4, "initialize", InitializeParams("reader"))["result"],
            true);
  EXPECT_FALSE(platform::SharedMemory::Open(PhysicalName(name)).ok())
      << "a second initialize must release the buffers of the first";
  // The name is free again, as for a new scenario.
  EXPECT_EQ(StepResult(CreateBufferStep(name))["Success"], true);
}

TEST_F(ServeContractTest, CleanupResetsTheStepState) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("cleanup");
  EXPECT_EQ(StepResult(CreateBufferStep(name))["Success"], true);
  EXPECT_TRUE(CallOk(4, "cleanup", Json::array())["result"].is_null());
  EXPECT_FALSE(platform::SharedMemory::Open(PhysicalName(name)).ok());
}

// Harmony needs the answer to crash first, and then the owner of the
// buffers dead with its resources left behind (contract 5.4); yet a later
// step on the same pipes must work, as in scenario 2.3.
TEST_F(ServeContractTest, CrashAnswersThenKillsTheBufferOwner) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("crash");
  EXPECT_EQ(StepResult(CreateBufferStep(name))["Success"], true);
  const Oieb oieb(PhysicalName(name));
  ASSERT_TRUE(oieb.ok()) << oieb.status();
  const uint64_t owner = oieb.reader_pid();
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
  EXPECT_EQ(CallOk(5, "health", Json::array())["result"], true);
  EXPECT_FALSE(platform::IsProcessAlive(owner))
      << "process " << owner << ", the buffer's reader, must be dead";
  EXPECT_TRUE(platform::SharedMemory::Open(PhysicalName(name)).ok())
      << "a crash leaves the resources behind";
  EXPECT_FALSE(
      *platform::FileLock::IsHeld(LockFilePaths(PhysicalName(name))[0]));

  // The next step meets a fresh process that replaces the stale buffer.
  const Json recreated = StepResult(CreateBufferStep(name));
  EXPECT_EQ(recreated["Success"], true) << recreated;
  EXPECT_THAT(recreated["Logs"].dump(), HasSubstr("abandoned"));
}

TEST_F(ServeContractTest, ShutdownAnswersThenExitsCleanly) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("shutdown");
  EXPECT_EQ(StepResult(CreateBufferStep(name))["Success"], true);
  EXPECT_TRUE(CallOk(4, "shutdown", Json::array())["result"].is_null());
  const std::optional<platform::ExitStatus> exit =
      serve_->WaitFor(absl::Seconds(5));
  ASSERT_TRUE(exit.has_value()) << "serve did not exit after shutdown";
  EXPECT_TRUE(exit->success()) << exit->ToString();
  EXPECT_THAT(FindLeftovers(name), IsEmpty()) << "reader resources remain";
}

TEST_F(ServeContractTest, EndOfInputReleasesBuffersAndExits) {
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("eof");
  EXPECT_EQ(StepResult(CreateBufferStep(name))["Success"], true);
  serve_->CloseStdin();
  const std::optional<platform::ExitStatus> exit =
      serve_->WaitFor(kEndOfInputExit);
  ASSERT_TRUE(exit.has_value())
      << "serve still running " << kEndOfInputExit << " after end of input";
  EXPECT_TRUE(exit->success()) << exit->ToString();
  EXPECT_THAT(FindLeftovers(name), IsEmpty()) << "reader resources remain";
}

// A background writer blocked on a full ring nobody reads must notice the
// stop at once: the step worker then exits by itself, releasing the buffer,
// rather than being killed by the front when its grace runs out.
TEST_F(ServeContractTest, EndOfInputStopsABlockedBackgroundWriter) {
  Restart({.capture_stderr = true});
  CallOk(3, "initialize", InitializeParams("reader"));
  const std::string name = BufferName("eof-blocked");
  EXPECT_EQ(StepResult(CreateBufferStep(name))["Success"], true);
  EXPECT_EQ(StepResult(absl::StrCat("the 'writer' process connects to buffer '",
                                    name, "'"))["Success"],
            true);
  EXPECT_EQ(StepResult("the 'writer' process writes '5000' frames of size "
                       "'1024' as fast as possible")["Success"],
            true);
  const Oieb oieb(PhysicalName(name));
  ASSERT_TRUE(oieb.ok()) << oieb.status();
  ASSERT_TRUE(
      Await([&] { return oieb.payload_free_bytes() < FrameFootprint(1024); },
            absl::Seconds(10)))
      << "the ring never filled: " << oieb.payload_free_bytes()
      << " bytes free";
  ASSERT_NE(oieb.writer_pid(), 0u) << "the writer must still be there";

  serve_->CloseStdin();
  const std::optional<platform::ExitStatus> exit =
      serve_->WaitFor(kEndOfInputExit);
  ASSERT_TRUE(exit.has_value())
      << "serve still running " << kEndOfInputExit << " after end of input";
  EXPECT_TRUE(exit->success()) << exit->ToString();
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
  EXPECT_EQ(StepResult(CreateBufferStep(name), 2)["Success"], true);
  // Waits up to 5 s for a frame nobody writes.
  const Json late =
      StepResult("the 'reader' process should read frame with size '10'", 3);
  EXPECT_EQ(late["Success"], false);
  EXPECT_THAT(late["Error"].get<std::string>(),
              HasSubstr("Step execution timeout after 1s"));
  EXPECT_EQ(StepResult("all processes are ready", 4)["Success"], true);
  serve_->CloseStdin();
  EXPECT_TRUE(serve_->WaitFor(absl::Seconds(5)).has_value());
  // The replaced worker's buffer was stale; the serve tidied it at exit.
  EXPECT_THAT(FindLeftovers(name), IsEmpty());
}

}  // namespace
}  // namespace zerobuffer::testing
