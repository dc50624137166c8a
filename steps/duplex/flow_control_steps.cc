// Feature 13 (duplex channel), 13.6: a client that does not read holds the
// server back. The client's response ring has the server's request-ring
// size (10240 bytes here), which holds one 8192-byte answer but not two:
// the second answer waits until the client reads the first.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "steps/context.h"
#include "steps/duplex/client_state.h"
#include "steps/duplex/server_state.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/data_patterns.h"
#include "steps/support/segment_access.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/names.h"

namespace zerobuffer::steps::duplex_steps {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kSettleTimeout{5000};
// How long a blocked write is watched not moving.
constexpr milliseconds kBlockWindow{300};

// Calls whose response the handler has returned.
std::vector<HandlerCall> FinishedCalls(const ServerState& state) {
  std::vector<HandlerCall> finished;
  for (const HandlerCall& call : state.record->Calls()) {
    if (call.finished.has_value()) finished.push_back(call);
  }
  return finished;
}

// Keeps the channel busy without reading: one more request like the last,
// so that a second answer competes for the ring the first one still fills.
ZB_STEP(kWhen, "the '([^']*)' process does not read responses",
        [](StepContext& context, const std::string&) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          state.client();
          if (state.sent.empty()) {
            return Failed("no request was sent whose response could wait");
          }
          const size_t size = state.sent.back().bytes.size();
          const uint64_t sequence =
              state.Send(MakePattern(size, state.sent.size() + 1));
          const SegmentAccess responses(
              DuplexResponseBufferName(state.channel));
          const bool waiting = PollUntil(kSettleTimeout, [&] {
            const OIEB oieb = responses.Snapshot();
            return oieb.payload_written_count >= 1 &&
                   oieb.payload_read_count == 0;
          });
          const OIEB oieb = responses.Snapshot();
          if (!waiting) {
            return Failed(absl::StrCat(
                "no response arrived unread within ", kSettleTimeout.count(),
                " ms (response ring: ", oieb.payload_written_count,
                " written, ", oieb.payload_read_count, " read)"));
          }
          context.log().Info(absl::StrCat(
              "Sent request ", sequence, " of ", size,
              " bytes without reading; ", oieb.payload_written_count,
              " response(s) wait unread, ", oieb.payload_free_bytes, " of ",
              oieb.payload_size, " response-ring bytes free"));
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process attempts to send response of '(\\d+)' bytes",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          ServerState& state = context.State<ServerState>();
          duplex::ImmutableDuplexServer& server = state.server();
          // A response the handler returned that is not written yet.
          const bool pending = PollUntil(kSettleTimeout, [&] {
            const std::vector<HandlerCall> finished = FinishedCalls(state);
            return finished.size() > server.responses_written() &&
                   finished.back().response_size == size;
          });
          const std::vector<HandlerCall> finished = FinishedCalls(state);
          if (!pending) {
            return Failed(absl::StrCat(
                "no ", size,
                "-byte response waits to be written: the handler returned ",
                finished.size(), " responses (the last of ",
                finished.empty() ? 0 : finished.back().response_size,
                " bytes), ", server.responses_written(), " are written"));
          }
          context.log().Info(absl::StrCat("Response ", finished.size(), " (",
                                          size, " bytes) is being written; ",
                                          server.responses_written(),
                                          " written before it"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should block on response write",
        [](StepContext& context, const std::string&) -> absl::Status {
          ServerState& state = context.State<ServerState>();
          duplex::ImmutableDuplexServer& server = state.server();
          const std::vector<HandlerCall> finished = FinishedCalls(state);
          const uint64_t written = server.responses_written();
          if (finished.size() <= written) {
            return Failed(absl::StrCat("every response is written (", written,
                                       "): nothing is blocked"));
          }
          const bool moved = PollUntil(kBlockWindow, [&] {
            return server.responses_written() != written;
          });
          if (moved) {
            return Failed(absl::StrCat(
                "the write went through within ", kBlockWindow.count(),
                " ms: ", server.responses_written(), " responses written"));
          }
          const OIEB ring =
              SegmentAccess(DuplexResponseBufferName(state.channel)).Snapshot();
          const uint64_t needed =
              finished.back().response_size + kFrameHeaderSize;
          if (ring.payload_free_bytes >= needed) {
            return Failed(
                absl::StrCat("the response ring has ", ring.payload_free_bytes,
                             " bytes free, room for the ", needed,
                             "-byte frame; the write should not be blocked"));
          }
          if (!server.is_running()) {
            return Failed("the server stopped instead of waiting");
          }
          context.log().Info(absl::StrCat(
              "Blocked for ", kBlockWindow.count(), " ms at ", written,
              " responses written; the response ring has ",
              ring.payload_free_bytes, " bytes free, ", needed, " needed"));
          return absl::OkStatus();
        });

// The response must be its request repeated (once for an echo, twice for
// the doubling handler); reading it gives its space back.
ZB_STEP(kWhen, "the '([^']*)' process reads one response",
        [](StepContext& context, const std::string&) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          Frame response = state.Receive(kResponseTimeout);
          const SentRequest* request = state.FindSent(response.sequence());
          if (request == nullptr) {
            return Failed(absl::StrCat("response ", response.sequence(),
                                       " answers no request that was sent"));
          }
          const size_t unit = request->bytes.size();
          if (unit == 0 || response.size() % unit != 0) {
            return Failed(absl::StrCat(
                "response ", response.sequence(), " has ", response.size(),
                " bytes, not a multiple of its ", unit, "-byte request"));
          }
          for (size_t start = 0; start < response.size(); start += unit) {
            const absl::Status same = ExpectSameBytes(
                response.span().subspan(start, unit), request->bytes,
                absl::StrCat("response ", response.sequence(), " at byte ",
                             start));
            if (!same.ok()) return same;
          }
          context.log().Info(absl::StrCat(
              "Read response ", response.sequence(), ": ", response.size(),
              " bytes, its request ", response.size() / unit, " time(s)"));
          response.release();
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should unblock and complete write",
        [](StepContext& context, const std::string&) -> absl::Status {
          ServerState& state = context.State<ServerState>();
          duplex::ImmutableDuplexServer& server = state.server();
          const size_t produced = FinishedCalls(state).size();
          const SteadyClock::time_point start = SteadyClock::now();
          if (!PollUntil(kSettleTimeout, [&] {
                return server.responses_written() >= produced;
              })) {
            return Failed(absl::StrCat(
                "still ", server.responses_written(), " of ", produced,
                " responses written after ", kSettleTimeout.count(), " ms"));
          }
          context.log().Info(absl::StrCat("All ", produced,
                                          " responses written (",
                                          Millis(SteadyClock::now() - start),
                                          " ms after this step began)"));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps::duplex_steps
