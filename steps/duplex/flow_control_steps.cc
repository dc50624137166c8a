// Feature 13 (duplex channel), 13.6: a client that does not read holds the
// server back. The client fills its response ring without reading, until
// the server holds an answer it has no room for; reading one answer lets
// the server go on. The server-side steps look at the ring the client
// actually has, whatever its size (13.6b: the 256 MiB of upstream clients).

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
#include "steps/support/segment_access.h"
#include "zerobuffer/free_space.h"
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

// The responses waiting unread in a response ring: how many, and the size
// (with its header) of the last. Walks the ring from the reader's position
// as a reader would, without consuming anything.
struct UnreadResponses {
  uint64_t count = 0;
  uint64_t last_frame_bytes = 0;
};

UnreadResponses ScanUnread(const SegmentAccess& ring) {
  const OIEB oieb = ring.Snapshot();
  const uint64_t ring_size = oieb.payload_size;
  UnreadResponses unread;
  uint64_t offset = oieb.payload_read_pos % ring_size;
  // Wrap markers count as written (and read) entries too.
  for (uint64_t entry = oieb.payload_read_count;
       entry < oieb.payload_written_count; ++entry) {
    if (ring_size - offset < kFrameHeaderSize) offset = 0;  // a short tail
    const FrameHeader header = ring.HeaderAt(offset);
    if (header.IsWrapMarker()) {
      offset = 0;
      continue;
    }
    ++unread.count;
    unread.last_frame_bytes = kFrameHeaderSize + header.payload_size;
    offset = (offset + unread.last_frame_bytes) % ring_size;
  }
  return unread;
}

// Whether a `frame_bytes` frame can be written into the ring as it is now,
// by the writer's own rule (free_space.h).
bool Fits(const OIEB& oieb, const WritePlan& plan) {
  return plan.kind != WritePlan::Kind::kNeverFits &&
         oieb.payload_free_bytes >= plan.required_free;
}

bool Fits(const OIEB& oieb, uint64_t frame_bytes) {
  return Fits(oieb, PlanWriteFor(oieb, frame_bytes));
}

// How many more `frame_bytes` frames the ring takes before its writer has
// to wait for the reader.
uint64_t FramesThatFit(OIEB oieb, uint64_t frame_bytes) {
  uint64_t count = 0;
  while (true) {
    const WritePlan plan = PlanWriteFor(oieb, frame_bytes);
    if (!Fits(oieb, plan)) return count;
    oieb.payload_free_bytes -= plan.required_free;
    oieb.payload_write_pos =
        ((plan.wraps() ? 0 : oieb.payload_write_pos) + frame_bytes) %
        oieb.payload_size;
    ++count;
  }
}

// Keeps the channel busy without reading: requests like the last, until
// the server holds an answer it has no room for. Each round waits until
// every request is answered, then sends as many as the ring still takes
// answers of the last answer's size; the final request's answer must wait.
ZB_STEP(kWhen, "the '([^']*)' process does not read responses",
        [](StepContext& context, const std::string&) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          state.client();
          if (state.sent.empty()) {
            return Failed("no request was sent whose response could wait");
          }
          const std::vector<std::byte> request = state.sent.back().bytes;
          const SegmentAccess responses(
              DuplexResponseBufferName(state.channel));
          const size_t sent_before = state.sent.size();
          UnreadResponses unread;
          while (true) {
            const bool answered = PollUntil(kSettleTimeout, [&] {
              unread = ScanUnread(responses);
              return unread.count >= state.outstanding();
            });
            if (!answered) {
              return Failed(absl::StrCat(
                  "only ", unread.count, " of ", state.outstanding(),
                  " requests were answered within ", kSettleTimeout.count(),
                  " ms, with the response ring not full"));
            }
            const uint64_t more =
                FramesThatFit(responses.Snapshot(), unread.last_frame_bytes);
            if (more == 0) break;
            for (uint64_t i = 0; i < more; ++i) state.Send(request);
          }
          state.Send(request);
          const OIEB oieb = responses.Snapshot();
          context.log().Info(absl::StrCat(
              "Sent ", state.sent.size() - sent_before, " more request(s) of ",
              request.size(), " bytes without reading; ", unread.count,
              " response(s) of ", unread.last_frame_bytes,
              " bytes (with header) wait unread, ", oieb.payload_free_bytes,
              " of ", oieb.payload_size,
              " response-ring bytes free: no room for the last answer"));
          return absl::OkStatus();
        });

ZB_STEP(
    kThen, "the '([^']*)' process attempts to send response of '(\\d+)' bytes",
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
        const OIEB ring =
            SegmentAccess(DuplexResponseBufferName(state.channel)).Snapshot();
        return Failed(absl::StrCat(
            "no ", size,
            "-byte response waits to be written: the handler returned ",
            finished.size(), " responses (the last of ",
            finished.empty() ? 0 : finished.back().response_size, " bytes), ",
            server.responses_written(),
            " are written; the client's response ring has ",
            ring.payload_free_bytes, " of ", ring.payload_size, " bytes free"));
      }
      context.log().Info(absl::StrCat("Response ", finished.size(), " (", size,
                                      " bytes) is being written; ",
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
          if (Fits(ring, needed)) {
            return Failed(absl::StrCat(
                "the response ring (", ring.payload_size, " bytes, ",
                ring.payload_free_bytes, " free, write position ",
                ring.payload_write_pos, ") has room for the ", needed,
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
