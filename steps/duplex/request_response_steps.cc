// Feature 13 (duplex channel), client side: requests by copy and in place,
// responses, their order and timing, and what the handlers did to them
// (13.1 to 13.4, 13.7, 13.8). Steps whose sentences name no process run in
// the client, where Harmony sends them (step-catalog 3, contract 6.2).

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "steps/context.h"
#include "steps/duplex/allocation_counter.h"
#include "steps/duplex/client_state.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/data_patterns.h"
#include "zerobuffer/layout.h"

namespace zerobuffer::steps::duplex_steps {
namespace {

using std::chrono::milliseconds;

// The catalog's per-response wait when many are received in a row.
constexpr milliseconds kBatchResponseTimeout{10000};
// How long "exactly N" watches for a response beyond the N-th.
constexpr milliseconds kNoMoreResponses{200};
constexpr uint64_t kMaxRequestsPerStep = 10000;

// Requests must fit the server's request ring; refusing larger sizes here
// also keeps an absurd number from being allocated at all.
absl::Status CheckRequestSize(const ClientState& state, uint64_t size) {
  const uint64_t ring_size = state.request_ring->ring_size();
  if (size + kFrameHeaderSize > ring_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a ", size, "-byte request cannot fit the server's request ring of ",
        ring_size, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status CheckRequestCount(uint64_t count) {
  if (count == 0 || count > kMaxRequestsPerStep) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a step sends 1 to ", kMaxRequestsPerStep, " requests, not ", count));
  }
  return absl::OkStatus();
}

// Text requests, "Request 0", "Request 1", ... (step-catalog 2.2).
void SendTextRequests(ClientState& state, uint64_t count) {
  state.client();  // fails before the clock starts when there is no client
  state.batch_started = SteadyClock::now();
  for (uint64_t i = 0; i < count; ++i) {
    const std::string text = absl::StrCat("Request ", i);
    const auto* begin = reinterpret_cast<const std::byte*>(text.data());
    state.Send(std::vector<std::byte>(begin, begin + text.size()));
  }
}

void ReceiveOutstanding(ClientState& state, milliseconds timeout) {
  while (state.outstanding() > 0) state.Receive(timeout);
}

absl::Status ExpectMatchesRequest(const ClientState& state,
                                  const ReceivedResponse& response) {
  const SentRequest* request = state.FindSent(response.sequence);
  if (request == nullptr) {
    return Failed(absl::StrCat("response ", response.sequence,
                               " answers no request that was sent"));
  }
  return ExpectSameBytes(response.bytes, request->bytes,
                         absl::StrCat("response ", response.sequence));
}

absl::Status ExpectAllMatch(const ClientState& state) {
  if (state.received.empty()) return Failed("no responses were received");
  for (const ReceivedResponse& response : state.received) {
    const absl::Status matches = ExpectMatchesRequest(state, response);
    if (!matches.ok()) return matches;
  }
  return absl::OkStatus();
}

std::vector<uint64_t> Sequences(const std::vector<ReceivedResponse>& list) {
  std::vector<uint64_t> sequences;
  for (const ReceivedResponse& response : list) {
    sequences.push_back(response.sequence);
  }
  return sequences;
}

const SentRequest& LastRequest(const ClientState& state) {
  if (state.sent.empty()) throw StepFailure("no request was sent");
  return state.sent.back();
}

const ReceivedResponse& ResponseTo(const ClientState& state,
                                   const SentRequest& request) {
  for (const ReceivedResponse& response : state.received) {
    if (response.sequence == request.sequence) return response;
  }
  throw StepFailure(absl::StrCat("no response to request ", request.sequence,
                                 " was received"));
}

// The request's frame, read back from the server's request ring after the
// server has answered it: a handler that wrote into its request would show
// here.
absl::Status ExpectRequestUntouched(const ClientState& state,
                                    const SentRequest& request) {
  if (!request.ring_offset.has_value()) {
    return Failed(absl::StrCat("request ", request.sequence,
                               " was not found in the request ring after "
                               "sending, so it cannot be checked there"));
  }
  const FrameHeader header = state.request_ring->HeaderAt(*request.ring_offset);
  if (header.sequence_number != request.sequence ||
      header.payload_size != request.bytes.size()) {
    return Failed(absl::StrCat(
        "the request ring at offset ", *request.ring_offset,
        " now holds frame ", header.sequence_number, " of ",
        header.payload_size, " bytes, not request ", request.sequence));
  }
  const std::byte* payload =
      state.request_ring->ring() + *request.ring_offset + kFrameHeaderSize;
  return ExpectSameBytes({payload, request.bytes.size()}, request.bytes,
                         absl::StrCat("request ", request.sequence,
                                      " in the server's request ring"));
}

ZB_STEP(kWhen, "the '([^']*)' process sends request with size '(\\d+)'",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          state.client();
          const absl::Status fits = CheckRequestSize(state, size);
          if (!fits.ok()) return fits;
          // Each request its own pattern, so a response to another request
          // cannot pass for this one.
          const uint64_t sequence =
              state.Send(MakePattern(size, state.sent.size() + 1));
          context.log().Info(
              absl::StrCat("Sent request ", sequence, " of ", size, " bytes"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "response should match request with size '(\\d+)'",
        [](StepContext& context, uint64_t size) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          const Frame response = state.Receive(kResponseTimeout);
          if (response.size() != size) {
            return Failed(absl::StrCat("response ", response.sequence(),
                                       " has ", response.size(),
                                       " bytes, expected ", size));
          }
          return ExpectMatchesRequest(state, state.received.back());
        });

ZB_STEP(kWhen, "the '([^']*)' process sends '(\\d+)' requests sequentially",
        [](StepContext& context, const std::string&,
           uint64_t count) -> absl::Status {
          const absl::Status valid = CheckRequestCount(count);
          if (!valid.ok()) return valid;
          SendTextRequests(context.State<ClientState>(), count);
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "the '([^']*)' process sends '(\\d+)' requests from single thread",
        [](StepContext& context, const std::string&,
           uint64_t count) -> absl::Status {
          const absl::Status valid = CheckRequestCount(count);
          if (!valid.ok()) return valid;
          SendTextRequests(context.State<ClientState>(), count);
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process receives '(\\d+)' responses in order",
        [](StepContext& context, const std::string&,
           uint64_t count) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          const size_t first = state.received.size();
          for (uint64_t i = 0; i < count; ++i) {
            state.Receive(kBatchResponseTimeout);
          }
          for (size_t i = first + 1; i < state.received.size(); ++i) {
            if (state.received[i].sequence <= state.received[i - 1].sequence) {
              return Failed(
                  absl::StrCat("responses out of order: ",
                               absl::StrJoin(Sequences(state.received), ", ")));
            }
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "responses should match requests by content",
        [](StepContext& context) -> absl::Status {
          return ExpectAllMatch(context.State<ClientState>());
        });

ZB_STEP(kThen, "no responses should be lost or duplicated",
        [](StepContext& context) -> absl::Status {
          const ClientState& state = context.State<ClientState>();
          std::vector<uint64_t> received = Sequences(state.received);
          std::sort(received.begin(), received.end());
          if (std::adjacent_find(received.begin(), received.end()) !=
              received.end()) {
            return Failed(absl::StrCat("a response arrived twice: ",
                                       absl::StrJoin(received, ", ")));
          }
          std::vector<uint64_t> sent;
          for (const SentRequest& request : state.sent) {
            sent.push_back(request.sequence);
          }
          std::sort(sent.begin(), sent.end());
          if (received != sent) {
            return Failed(absl::StrCat(
                "requests sent: ", absl::StrJoin(sent, ", "),
                "; responses received: ", absl::StrJoin(received, ", ")));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process receives exactly '(\\d+)' responses",
        [](StepContext& context, const std::string&,
           uint64_t count) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          ReceiveOutstanding(state, kBatchResponseTimeout);
          if (state.received.size() != count) {
            return Failed(absl::StrCat("received ", state.received.size(),
                                       " responses, expected ", count));
          }
          const Frame extra = state.client().receive_response(kNoMoreResponses);
          if (extra.valid()) {
            return Failed(absl::StrCat("response ", extra.sequence(),
                                       " arrived beyond the ", count,
                                       " expected"));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "all '(\\d+)' responses match their requests",
        [](StepContext& context, uint64_t count) -> absl::Status {
          const ClientState& state = context.State<ClientState>();
          if (state.received.size() != count) {
            return Failed(absl::StrCat("received ", state.received.size(),
                                       " responses, expected ", count));
          }
          return ExpectAllMatch(state);
        });

ZB_STEP(kWhen, "the '([^']*)' process measures total response time",
        [](StepContext& context, const std::string&) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          if (!state.batch_started.has_value()) {
            return Failed("no batch of requests was sent to time");
          }
          ReceiveOutstanding(state, kBatchResponseTimeout);
          state.total_response_time = SteadyClock::now() - *state.batch_started;
          context.log().Info(absl::StrCat(
              "From the first request to the last of ", state.received.size(),
              " responses: ", Millis(*state.total_response_time), " ms"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "total time should be at least '(\\d+)' ms",
        [](StepContext& context, uint64_t millis) -> absl::Status {
          const ClientState& state = context.State<ClientState>();
          if (!state.total_response_time.has_value()) {
            return Failed("no total response time was measured");
          }
          if (*state.total_response_time < milliseconds(millis)) {
            return Failed(absl::StrCat(
                "the responses took ", Millis(*state.total_response_time),
                " ms in total, less than ", millis, " ms"));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "responses should arrive in order",
        [](StepContext& context) -> absl::Status {
          const ClientState& state = context.State<ClientState>();
          if (state.received.empty()) {
            return Failed("no responses were received");
          }
          const std::vector<uint64_t> order = Sequences(state.received);
          if (!std::is_sorted(order.begin(), order.end()) ||
              std::adjacent_find(order.begin(), order.end()) != order.end()) {
            return Failed(absl::StrCat("responses arrived as ",
                                       absl::StrJoin(order, ", ")));
          }
          return absl::OkStatus();
        });

ZB_STEP(
    kWhen,
    "the '([^']*)' process acquires zero-copy request buffer of size '(\\d+)'",
    [](StepContext& context, const std::string&,
       uint64_t size) -> absl::Status {
      ClientState& state = context.State<ClientState>();
      duplex::DuplexClient& client = state.client();
      const absl::Status fits = CheckRequestSize(state, size);
      if (!fits.ok()) return fits;
      ZeroCopySend& send = state.zero_copy;
      send = ZeroCopySend();
      send.write_pos_before = state.request_ring->Snapshot().payload_write_pos;
      {
        const AllocationCounter counter;
        send.buffer = client.acquire_request_buffer(size, send.sequence);
        send.allocations += counter.count();
      }
      context.log().Info(absl::StrCat(
          "Acquired ", size, " bytes in place for request ", send.sequence));
      return absl::OkStatus();
    });

// Fills the acquired buffer, then shows that the bytes are already in the
// server's request ring, before any commit: no staging copy exists.
ZB_STEP(kWhen, "the '([^']*)' process fills buffer with test pattern",
        [](StepContext& context, const std::string&) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          ZeroCopySend& send = state.zero_copy;
          if (send.buffer.empty()) {
            return Failed("no zero-copy request buffer was acquired");
          }
          FillPattern(send.buffer, 0);
          const uint64_t ring_size = state.request_ring->ring_size();
          for (const uint64_t offset : {send.write_pos_before, uint64_t{0}}) {
            const uint64_t start = offset + kFrameHeaderSize;
            if (start + send.buffer.size() > ring_size) continue;
            std::byte* in_ring = state.request_ring->ring() + start;
            if (*in_ring != send.buffer[0]) continue;
            // A change through the client's buffer must appear in the ring.
            send.buffer[0] ^= std::byte{0xFF};
            const bool aliased = *in_ring == send.buffer[0];
            send.buffer[0] ^= std::byte{0xFF};
            if (aliased) {
              send.filled_in_place = true;
              context.log().Info(
                  absl::StrCat("The pattern is in the request ring at offset ",
                               start, " before the commit"));
              return ExpectSameBytes({in_ring, send.buffer.size()}, send.buffer,
                                     "the request ring's copy of the buffer");
            }
          }
          return Failed(absl::StrCat(
              "the filled buffer is not the request ring's memory (looked at "
              "offsets ",
              send.write_pos_before + kFrameHeaderSize, " and ",
              kFrameHeaderSize, "): the request goes through a copy"));
        });

ZB_STEP(kWhen, "the '([^']*)' process commits request",
        [](StepContext& context, const std::string&) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          ZeroCopySend& send = state.zero_copy;
          if (send.buffer.empty()) {
            return Failed("no zero-copy request buffer was acquired");
          }
          // Copied for the later checks outside the counted section.
          std::vector<std::byte> bytes(send.buffer.begin(), send.buffer.end());
          uint64_t sequence = 0;
          {
            const AllocationCounter counter;
            sequence = state.client().commit_request();
            send.allocations += counter.count();
          }
          if (sequence != send.sequence) {
            return Failed(absl::StrCat("the commit published request ",
                                       sequence, ", the acquisition promised ",
                                       send.sequence));
          }
          const size_t size = bytes.size();
          state.sent.push_back(SentRequest{
              sequence, RequestPayload(std::move(bytes)),
              state.LocateRequest(send.write_pos_before, sequence, size)});
          send.buffer = {};
          send.committed = true;
          return absl::OkStatus();
        });

ZB_STEP(kThen, "response should contain same test pattern",
        [](StepContext& context) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          const SentRequest& request = LastRequest(state);
          const Frame response = state.Receive(kResponseTimeout);
          if (response.sequence() != request.sequence ||
              response.size() != request.bytes.size()) {
            return Failed(absl::StrCat(
                "response ", response.sequence(), " of ", response.size(),
                " bytes; expected the answer to request ", request.sequence,
                " of ", request.bytes.size(), " bytes"));
          }
          if (const auto bad = FindPatternMismatch(response.span(), 0)) {
            return Failed(absl::StrCat("response byte ", *bad, " is ",
                                       static_cast<int>(response.span()[*bad]),
                                       ", the pattern has ",
                                       static_cast<int>(PatternByte(*bad, 0))));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "no memory allocations in send path",
        [](StepContext& context) -> absl::Status {
          const ZeroCopySend& send = context.State<ClientState>().zero_copy;
          if (!send.committed) {
            return Failed("no zero-copy request was acquired and committed");
          }
          // The counter must see an allocation when there is one, or a
          // zero below would prove nothing.
          {
            const AllocationCounter probe;
            ::operator delete(::operator new(64));
            if (probe.count() != 1) {
              return Failed(
                  absl::StrCat("the allocation counter saw ", probe.count(),
                               " allocations for one; it cannot be trusted"));
            }
          }
          if (send.allocations != 0) {
            return Failed(absl::StrCat(
                "acquire_request_buffer and commit_request allocated ",
                send.allocations, " times"));
          }
          if (!send.filled_in_place) {
            return Failed("the request was not written in place");
          }
          context.log().Info(
              "0 heap allocations in acquire and commit; the request was "
              "written straight into the request ring");
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "the '([^']*)' process sends '(\\d+)' byte frame with test pattern",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          state.client();
          const absl::Status fits = CheckRequestSize(state, size);
          if (!fits.ok()) return fits;
          state.Send(MakePattern(size, 0));
          return absl::OkStatus();
        });

// The key is the server's, which this process never saw: it is read off the
// first byte, then every byte must agree with it.
ZB_STEP(kThen, "response should contain XOR transformed data",
        [](StepContext& context) -> absl::Status {
          ClientState& state = context.State<ClientState>();
          const SentRequest& request = LastRequest(state);
          state.Receive(kResponseTimeout);
          const ReceivedResponse& response = ResponseTo(state, request);
          if (response.bytes.size() != request.bytes.size() ||
              response.bytes.empty()) {
            return Failed(absl::StrCat("response of ", response.bytes.size(),
                                       " bytes to a request of ",
                                       request.bytes.size()));
          }
          const std::byte key = response.bytes[0] ^ request.bytes[0];
          if (key == std::byte{0}) {
            return Failed("the first byte came back unchanged: no XOR key");
          }
          for (size_t i = 0; i < request.bytes.size(); ++i) {
            if ((request.bytes[i] ^ key) != response.bytes[i]) {
              return Failed(absl::StrCat(
                  "byte ", i, " is ", static_cast<int>(response.bytes[i]),
                  ", request byte ", static_cast<int>(request.bytes[i]),
                  " XOR key ", static_cast<int>(key), " is ",
                  static_cast<int>(request.bytes[i] ^ key)));
            }
          }
          context.log().Info(absl::StrCat("All ", request.bytes.size(),
                                          " bytes XOR-ed with key 0x",
                                          absl::Hex(static_cast<int>(key))));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the server handler receives immutable request frame",
        [](StepContext& context) -> absl::Status {
          const ClientState& state = context.State<ClientState>();
          const SentRequest& request = LastRequest(state);
          ResponseTo(state, request);  // the handler is done with it
          return ExpectRequestUntouched(state, request);
        });

// New data: the response is not the request, and the request is still
// intact where it was, so the response was not made from it in place.
ZB_STEP(kThen, "the server handler returns new response data",
        [](StepContext& context) -> absl::Status {
          const ClientState& state = context.State<ClientState>();
          const SentRequest& request = LastRequest(state);
          const ReceivedResponse& response = ResponseTo(state, request);
          size_t differing = 0;
          for (size_t i = 0;
               i < std::min(request.bytes.size(), response.bytes.size()); ++i) {
            if (request.bytes[i] != response.bytes[i]) ++differing;
          }
          if (differing == 0 && request.bytes.size() == response.bytes.size()) {
            return Failed(absl::StrCat("response ", response.sequence,
                                       " is the request's bytes unchanged"));
          }
          context.log().Info(
              absl::StrCat(differing, " of ", response.bytes.size(),
                           " response bytes differ from the request"));
          return ExpectRequestUntouched(state, request);
        });

}  // namespace
}  // namespace zerobuffer::steps::duplex_steps
