// Feature 13 (duplex channel): a server that dies mid-request (13.5), a
// client that dies while its request is processed (13.9), and a server
// disposed with responses still owed (13.10). Deaths are real: the step
// worker holding the server or client is SIGKILLed (catalog 2.8), and the
// survivor must learn it through the library.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "platform/process.h"
#include "steps/context.h"
#include "steps/duplex/client_state.h"
#include "steps/duplex/server_state.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/segment_access.h"
#include "zerobuffer/errors.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/names.h"
#include "zerobuffer/stale_cleanup.h"

namespace zerobuffer::steps::duplex_steps {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr size_t kSmallRequest = 64;
constexpr uint64_t kMaxWaitSeconds = 20;
constexpr uint64_t kMaxCrashDelaySeconds = 60;
// How long the server gets to act on what happened to its client.
constexpr milliseconds kServerReaction{10000};
constexpr milliseconds kSettleTimeout{5000};

// The first handler call, once it has finished (bounded by `timeout`).
std::optional<HandlerCall> FinishedFirstCall(const ServerState& state,
                                             milliseconds timeout) {
  std::optional<HandlerCall> call;
  PollUntil(timeout, [&] {
    const std::vector<HandlerCall> calls = state.record->Calls();
    if (!calls.empty() && calls.front().finished.has_value()) {
      call = calls.front();
    }
    return call.has_value();
  });
  return call;
}

std::vector<ReportedError> ErrorsSince(const ServerState& state,
                                       SteadyClock::time_point since) {
  std::vector<ReportedError> later;
  for (const ReportedError& error : state.errors->All()) {
    if (error.when >= since) later.push_back(error);
  }
  return later;
}

bool IsClientGoneOnWrite(const ReportedError& error) {
  // ReaderDead: the client's response buffer has no live owner. Not found:
  // it was already removed as a dead process's leftover.
  return error.code == ErrorCode::kReaderDead ||
         error.code == ErrorCode::kBufferNotFound;
}

// ---- 13.5: the server dies while processing -------------------------------

ZB_STEP(kWhen, "the '([^']*)' process sends request of '(\\d+)' bytes",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          state.client();
          if (size + kFrameHeaderSize > state.request_ring->ring_size()) {
            return absl::InvalidArgumentError(absl::StrCat(
                "a ", size, "-byte request cannot fit the request ring of ",
                state.request_ring->ring_size(), " bytes"));
          }
          state.Send(MakePattern(size, state.sent.size() + 1));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process simulates crash during processing",
        [](StepContext& context, const std::string&) -> absl::Status {
          ServerState& state = context.State<ServerState>();
          duplex::ImmutableDuplexServer& server = state.server();
          if (!state.crash_delay.has_value()) {
            return Failed("no handler that crashes was started here");
          }
          const SteadyClock::duration delay = *state.crash_delay;
          // The crash point: a request has been in the handler for the
          // delay and is still there.
          std::optional<HandlerCall> in_progress;
          PollUntil(
              std::chrono::duration_cast<milliseconds>(delay) + kSettleTimeout,
              [&] {
                for (const HandlerCall& call : state.record->Calls()) {
                  if (!call.finished.has_value() &&
                      SteadyClock::now() - call.started >= delay) {
                    in_progress = call;
                  }
                }
                return in_progress.has_value();
              });
          if (!in_progress.has_value()) {
            return Failed(absl::StrCat(
                "no request has been in the handler for ", Millis(delay),
                " ms; ", state.record->Calls().size(), " calls so far"));
          }
          if (server.responses_written() != 0) {
            return Failed(absl::StrCat(
                server.responses_written(),
                " responses were written before the crash; none should be"));
          }
          context.RequestAbruptDeath();
          context.log().Info(absl::StrCat(
              "A ", in_progress->request_size,
              "-byte request has been in the handler for ",
              Millis(SteadyClock::now() - in_progress->started),
              " ms, nothing answered: the server's process dies now"));
          return absl::OkStatus();
        });

ZB_STEP(
    kWhen,
    "the '([^']*)' process waits for response with timeout '(\\d+)' seconds",
    [](StepContext& context, const std::string&,
       uint64_t timeout) -> absl::Status {
      if (timeout > kMaxWaitSeconds) {
        return absl::InvalidArgumentError(
            absl::StrCat("a wait of ", timeout, " s does not fit a step; ",
                         "at most ", kMaxWaitSeconds, " s"));
      }
      ClientState& state = context.State<ClientState>();
      duplex::DuplexClient& client = state.client();
      state.wait = WaitOutcome{true, 0, {}};
      const SteadyClock::time_point start = SteadyClock::now();
      Attempt(context, [&] {
        if (client.receive_response(seconds(timeout)).valid()) {
          ++state.wait.responses;
        }
      });
      state.wait.took = SteadyClock::now() - start;
      context.log().Info(absl::StrCat("The wait ended after ",
                                      Millis(state.wait.took), " ms with ",
                                      state.wait.responses, " response(s)"));
      return absl::OkStatus();
    });

ZB_STEP(kThen, "the '([^']*)' process should detect server death",
        [](StepContext& context, const std::string&) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          if (!state.wait.waited) return Failed("no wait for a response ran");
          if (state.wait.responses != 0) {
            return Failed("a response arrived from a server that crashed");
          }
          if (state.client().is_server_connected()) {
            return Failed(
                "the server's request buffer still has a live reader: the "
                "server is not dead");
          }
          if (!context.State<CapturedError>().failed()) {
            return Failed(absl::StrCat(
                "the wait ran its full ", Millis(state.wait.took),
                " ms and ended without a response and without an error, "
                "although the server is gone (is_server_connected() is false): "
                "receive_response did not report the death"));
          }
          // As an application would, the client lets go of the dead
          // channel, and removes what the dead server left: a stale scan
          // elsewhere may already have taken the lock file that would let a
          // later scan find the buffer (it could not remove the buffer then,
          // with this client still attached).
          state.connection.reset();
          const bool removed =
              RemoveBufferIfAbandoned(DuplexRequestBufferName(state.channel),
                                      AbandonmentRule::kReaderAndWriterGone);
          context.log().Info(absl::StrCat(
              "Disposed the client of the dead server",
              removed ? "; removed its abandoned request buffer" : ""));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "an appropriate exception should be thrown",
        [](StepContext& context) -> absl::Status {
          return ExpectCapturedError(context, ErrorCode::kWriterDead,
                                     "the server-is-gone error");
        });

// ---- 13.9: the client dies while its request is processed -----------------

ZB_STEP(kWhen, "the '([^']*)' process sends request",
        [](StepContext& context, const std::string&) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          state.client();
          state.Send(MakePattern(kSmallRequest, state.sent.size() + 1));
          return absl::OkStatus();
        });

// The reply goes out first; the step worker holding the client (and its
// response buffer) is SIGKILLed the given time later.
ZB_STEP(kWhen, "the '([^']*)' process simulates crash after '(\\d+)' seconds?",
        [](StepContext& context, const std::string&,
           uint64_t delay) -> absl::Status {
          if (delay > kMaxCrashDelaySeconds) {
            return absl::InvalidArgumentError(
                absl::StrCat("a crash ", delay,
                             " s away would outlive the scenario; at most ",
                             kMaxCrashDelaySeconds, " s"));
          }
          context.RequestAbruptDeath(absl::Seconds(delay));
          context.log().Info(
              absl::StrCat("This process dies in ", delay, " s"));
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process completes processing after '(\\d+)' seconds",
        [](StepContext& context, const std::string&,
           uint64_t delay) -> absl::Status {
          if (delay > kMaxWaitSeconds) {
            return absl::InvalidArgumentError(absl::StrCat(
                "a processing time of ", delay, " s does not fit a step"));
          }
          const ServerState& state = context.State<ServerState>();
          const std::optional<HandlerCall> call =
              FinishedFirstCall(state, seconds(delay) + kServerReaction);
          if (!call.has_value()) {
            return Failed(
                absl::StrCat("the handler did not finish a request within ",
                             delay + kServerReaction.count() / 1000, " s (",
                             state.record->Calls().size(), " calls started)"));
          }
          const SteadyClock::duration took = *call->finished - call->started;
          if (took < seconds(delay)) {
            return Failed(absl::StrCat("the handler finished after ",
                                       Millis(took), " ms, before ", delay,
                                       " s"));
          }
          context.log().Info(
              absl::StrCat("The handler finished its ", call->request_size,
                           "-byte request after ", Millis(took), " ms"));
          return absl::OkStatus();
        });

ZB_STEP(
    kThen, "the '([^']*)' process attempts to send response",
    [](StepContext& context, const std::string&) -> absl::Status {
      ServerState& state = context.State<ServerState>();
      duplex::ImmutableDuplexServer& server = state.server();
      const std::optional<HandlerCall> call =
          FinishedFirstCall(state, kSettleTimeout);
      if (!call.has_value()) return Failed("the handler has not answered");
      // After the handler: either the response was written or the write
      // failed and was reported.
      const bool tried = PollUntil(kServerReaction, [&] {
        return server.responses_written() > 0 ||
               !ErrorsSince(state, *call->finished).empty();
      });
      if (!tried) {
        return Failed(absl::StrCat(
            "the handler's ", call->response_size,
            "-byte response was neither written nor reported as failed within ",
            kServerReaction.count(), " ms"));
      }
      context.log().Info(
          absl::StrCat("After the handler: ", server.responses_written(),
                       " responses written; reported: ",
                       Describe(ErrorsSince(state, *call->finished))));
      return absl::OkStatus();
    });

ZB_STEP(kThen, "the '([^']*)' process detects client death when writing",
        [](StepContext& context, const std::string&) -> absl::Status {
          ServerState& state = context.State<ServerState>();
          duplex::ImmutableDuplexServer& server = state.server();
          const std::optional<HandlerCall> call =
              FinishedFirstCall(state, kSettleTimeout);
          if (!call.has_value()) return Failed("the handler has not answered");
          const bool detected = PollUntil(kServerReaction, [&] {
            for (const ReportedError& error :
                 ErrorsSince(state, *call->finished)) {
              if (IsClientGoneOnWrite(error)) return true;
            }
            return false;
          });
          const std::vector<ReportedError> errors =
              ErrorsSince(state, *call->finished);
          if (!detected) {
            return Failed(
                absl::StrCat("no write failure for a dead client was reported; "
                             "errors since the handler finished: ",
                             Describe(errors)));
          }
          if (server.responses_written() != 0) {
            return Failed(
                absl::StrCat(server.responses_written(),
                             " responses were written to a dead client"));
          }
          context.log().Info(
              absl::StrCat("The server reported: ", Describe(errors)));
          return absl::OkStatus();
        });

// Proven, not assumed: a new client (in this process) gets its answer from
// the same server, which has replaced the dead client's request buffer.
ZB_STEP(kThen, "the '([^']*)' process continues processing other requests",
        [](StepContext& context, const std::string&) -> absl::Status {
          ServerState& state = context.State<ServerState>();
          if (!state.server().is_running()) {
            return Failed(absl::StrCat("the server stopped; it reported: ",
                                       Describe(state.errors->All())));
          }
          return ProbeEcho(context, state.channel, kServerReaction);
        });

// ---- 13.10: disposal while responses are owed ------------------------------

// Each request a quarter of the client's response ring: three answers fill
// it, so a client that keeps what it received holds the server back, and
// the answers to later requests stay owed (backpressure, not timing).
ZB_STEP(kWhen, "the '([^']*)' process sends '(\\d+)' requests",
        [](StepContext& context, const std::string&,
           uint64_t count) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          state.client();
          constexpr uint64_t kMaxCount = 100;
          if (count == 0 || count > kMaxCount) {
            return absl::InvalidArgumentError(absl::StrCat(
                "send 1 to ", kMaxCount, " requests, not ", count));
          }
          const uint64_t size = state.response_config.payload_size / 4;
          if (size == 0 ||
              size + kFrameHeaderSize > state.request_ring->ring_size()) {
            return Failed(
                absl::StrCat("a quarter of the response ring (", size,
                             " bytes) does not fit the request ring of ",
                             state.request_ring->ring_size(), " bytes"));
          }
          for (uint64_t i = 0; i < count; ++i) {
            state.Send(MakePattern(size, state.sent.size() + 1));
          }
          context.log().Info(
              absl::StrCat("Sent ", count, " requests of ", size, " bytes"));
          return absl::OkStatus();
        });

// Keeps what it receives: zero-copy views whose ring space stays taken.
ZB_STEP(kWhen, "the '([^']*)' process receives '(\\d+)' responses",
        [](StepContext& context, const std::string&,
           uint64_t count) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          if (count > state.outstanding()) {
            return absl::InvalidArgumentError(
                absl::StrCat("only ", state.outstanding(),
                             " responses are outstanding, not ", count));
          }
          for (uint64_t i = 0; i < count; ++i) {
            Frame response = state.Receive(kResponseTimeout);
            const SentRequest* request = state.FindSent(response.sequence());
            if (request == nullptr) {
              return Failed(absl::StrCat("response ", response.sequence(),
                                         " answers no request"));
            }
            const absl::Status same =
                ExpectSameBytes(response.span(), request->bytes,
                                absl::StrCat("response ", response.sequence()));
            if (!same.ok()) return same;
            state.kept.push_back(std::move(response));
          }
          return absl::OkStatus();
        });

// Owed: answers to requests the handler has taken but not written, plus
// requests still unread in the request ring (its sem-w count).
ZB_STEP(
    kThen,
    "the '([^']*)' process disposes server while '(\\d+)' responses pending",
    [](StepContext& context, const std::string&,
       uint64_t expected) -> absl::Status {
      ServerState& state = context.State<ServerState>();
      duplex::ImmutableDuplexServer& server = state.server();
      const SegmentAccess requests(DuplexRequestBufferName(state.channel));
      uint64_t handled = 0;
      uint64_t unread = 0;
      uint64_t written = 0;
      const auto owed = [&] {
        handled = state.record->Calls().size();
        written = server.responses_written();
        unread = static_cast<uint64_t>(
            std::max(0, requests.FramesSignalled().value_or(0)));
        return handled - written + unread;
      };
      if (!PollUntil(kSettleTimeout, [&] { return owed() == expected; })) {
        return Failed(absl::StrCat(owed(), " responses are owed, not ",
                                   expected, " (", handled,
                                   " requests taken by the handler, ", written,
                                   " answered, ", unread, " unread)"));
      }
      const SteadyClock::time_point start = SteadyClock::now();
      state.Dispose();
      context.log().Info(absl::StrCat(
          "Disposed the server owing ", expected, " responses (", handled,
          " requests taken, ", written, " answered, ", unread, " unread) in ",
          Millis(SteadyClock::now() - start), " ms"));
      return absl::OkStatus();
    });

ZB_STEP(kWhen, "the '([^']*)' process attempts to receive pending responses",
        [](StepContext& context, const std::string&) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          duplex::DuplexClient& client = state.client();
          const size_t pending = state.outstanding();
          state.wait = WaitOutcome{true, 0, {}};
          const SteadyClock::time_point start = SteadyClock::now();
          Attempt(context, [&] {
            for (size_t i = 0; i < pending; ++i) {
              if (!client.receive_response(kResponseTimeout).valid()) return;
              ++state.wait.responses;
            }
          });
          state.wait.took = SteadyClock::now() - start;
          context.log().Info(
              absl::StrCat(state.wait.responses, " of ", pending,
                           " pending responses arrived; the attempt took ",
                           Millis(state.wait.took), " ms"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should receive exception on pending",
        [](StepContext& context, const std::string&) -> absl::Status {
          const ClientState& state = context.State<ClientState>();
          if (!state.wait.waited) {
            return Failed("no attempt to receive pending responses ran");
          }
          if (state.wait.responses != 0) {
            return Failed(absl::StrCat(
                state.wait.responses,
                " responses arrived from a server disposed while owing them"));
          }
          return ExpectCapturedError(context, ErrorCode::kWriterDead,
                                     "the server-is-gone error");
        });

// The server's objects must be gone already; the client, finished with the
// dead channel, then disposes too, and its response buffer must follow.
ZB_STEP(kThen, "all shared memory should be cleaned up",
        [](StepContext& context) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          if (state.channel.empty()) {
            return Failed("this process never joined a duplex channel");
          }
          const std::string request_buffer =
              DuplexRequestBufferName(state.channel);
          std::vector<std::string> left = BufferLeftovers(request_buffer);
          if (!left.empty()) {
            return Failed(absl::StrCat("the disposed server left ",
                                       absl::StrJoin(left, ", ")));
          }
          state.kept.clear();
          state.connection.reset();
          state.request_ring.reset();
          left = BufferLeftovers(DuplexResponseBufferName(state.channel));
          if (!left.empty()) {
            return Failed(absl::StrCat("the client's disposal left ",
                                       absl::StrJoin(left, ", ")));
          }
          context.log().Info(
              absl::StrCat("No segment, semaphore or lock file of ",
                           state.channel, " is left"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the new server should reuse same channel name successfully",
        [](StepContext& context) -> absl::Status {
          ServerState& state = context.State<ServerState>();
          if (!state.server().is_running()) {
            return Failed("the new server is not running");
          }
          const OIEB oieb =
              SegmentAccess(DuplexRequestBufferName(state.channel)).Snapshot();
          const uint64_t self = platform::CurrentProcessId();
          if (oieb.reader_pid != self) {
            return Failed(absl::StrCat("the request buffer of ", state.channel,
                                       " belongs to process ", oieb.reader_pid,
                                       ", not to this one (", self, ")"));
          }
          return ProbeEcho(context, state.channel, kResponseTimeout);
        });

}  // namespace
}  // namespace zerobuffer::steps::duplex_steps
