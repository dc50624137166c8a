// Feature 13 (duplex channel): creating servers and clients, and the
// handlers servers start with. Sentences and routing: step-catalog
// section 3, 13-DuplexChannel.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "steps/context.h"
#include "steps/duplex/client_state.h"
#include "steps/duplex/echo.h"
#include "steps/duplex/handler_rendezvous.h"
#include "steps/duplex/server_state.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "zerobuffer/duplex/handlers.h"
#include "zerobuffer/frame.h"
#include "zerobuffer/names.h"

namespace zerobuffer::steps::duplex_steps {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Scenario delays beyond these could not finish inside a step's 30 s.
constexpr uint64_t kMaxProcessingMillis = 10000;
constexpr uint64_t kMaxProcessingSeconds = 20;
// How long a handler waits for the rest of its group; far more than a
// server that overlaps its handlers needs to take the group's requests.
constexpr std::chrono::milliseconds kRendezvousPatience{5000};

// An immutable handler is given the request read-only; "the server handler
// receives immutable request frame" (13.8) rests on this as much as on the
// runtime check of the request ring.
static_assert(
    std::is_same_v<duplex::ImmutableHandler,
                   std::function<std::vector<std::byte>(const Frame&)>>,
    "immutable handlers must see a const request");

absl::Status CheckDelay(uint64_t value, uint64_t limit,
                        const std::string& unit) {
  if (value > limit) {
    return absl::InvalidArgumentError(
        absl::StrCat("a processing time of ", value, " ", unit,
                     " does not fit a step; at most ", limit, " ", unit));
  }
  return absl::OkStatus();
}

absl::Status CreateServer(StepContext& context, const std::string& channel,
                          const BufferConfig& config,
                          duplex::ProcessingMode mode) {
  context.State<ServerState>().Create(context, context.PhysicalName(channel),
                                      config, mode);
  return absl::OkStatus();
}

ZB_STEP(kGiven,
        "the '([^']*)' process creates immutable duplex channel '([^']*)' with "
        "metadata size '(\\d+)' and payload size '(\\d+)'",
        [](StepContext& context, const std::string&, const std::string& channel,
           uint64_t metadata_size, uint64_t payload_size) -> absl::Status {
          return CreateServer(context, channel,
                              BufferConfig(metadata_size, payload_size),
                              duplex::ProcessingMode::kSingleThread);
        });

ZB_STEP(kGiven,
        "the '([^']*)' process creates immutable duplex channel '([^']*)' with "
        "default config",
        [](StepContext& context, const std::string&,
           const std::string& channel) -> absl::Status {
          return CreateServer(context, channel, kDefaultDuplexConfig,
                              duplex::ProcessingMode::kSingleThread);
        });

ZB_STEP(kGiven,
        "the '([^']*)' process creates immutable duplex channel '([^']*)' with "
        "processing mode '([^']*)'",
        [](StepContext& context, const std::string&, const std::string& channel,
           const std::string& mode_name) -> absl::Status {
          const absl::StatusOr<duplex::ProcessingMode> mode =
              ParseProcessingMode(mode_name);
          if (!mode.ok()) return mode.status();
          return CreateServer(context, channel, kDefaultDuplexConfig, *mode);
        });

ZB_STEP(kGiven, "the '([^']*)' process starts echo handler",
        [](StepContext& context, const std::string&) -> absl::Status {
          context.State<ServerState>().Start(
              context, "an echo handler",
              [](const Frame& request, HandlerRecord&) {
                return Echo(request);
              });
          return absl::OkStatus();
        });

ZB_STEP(kGiven,
        "the '([^']*)' process starts handler with '(\\d+)' ms processing time",
        [](StepContext& context, const std::string&,
           uint64_t millis) -> absl::Status {
          const absl::Status valid =
              CheckDelay(millis, kMaxProcessingMillis, "ms");
          if (!valid.ok()) return valid;
          context.State<ServerState>().Start(
              context, absl::StrCat("an echo handler taking ", millis, " ms"),
              [millis](const Frame& request, HandlerRecord& record) {
                record.Pause(milliseconds(millis));
                return Echo(request);
              });
          return absl::OkStatus();
        });

ZB_STEP(kGiven,
        "the '([^']*)' process starts handler with '(\\d+)' second processing "
        "delay",
        [](StepContext& context, const std::string&,
           uint64_t delay) -> absl::Status {
          const absl::Status valid =
              CheckDelay(delay, kMaxProcessingSeconds, "s");
          if (!valid.ok()) return valid;
          context.State<ServerState>().Start(
              context, absl::StrCat("an echo handler taking ", delay, " s"),
              [delay](const Frame& request, HandlerRecord& record) {
                record.Pause(seconds(delay));
                return Echo(request);
              });
          return absl::OkStatus();
        });

// The handler cannot kill its process itself (the step worker dies only
// through a step, catalog 2.8): it reaches its crash point after the delay
// and stays there, mid-request, until "simulates crash during processing"
// has the worker killed. Only when the server is torn down without that
// step does it let go.
ZB_STEP(kGiven,
        "the '([^']*)' process starts handler that crashes after '(\\d+)' ms",
        [](StepContext& context, const std::string&,
           uint64_t millis) -> absl::Status {
          const absl::Status valid =
              CheckDelay(millis, kMaxProcessingMillis, "ms");
          if (!valid.ok()) return valid;
          ServerState& state = context.State<ServerState>();
          state.crash_delay = milliseconds(millis);
          state.Start(context,
                      absl::StrCat("a handler that dies ", millis,
                                   " ms into its first request"),
                      [](const Frame& request, HandlerRecord& record) {
                        record.BlockUntilReleased();
                        return Echo(request);
                      });
          return absl::OkStatus();
        });

// 13.4b (ours): each call waits until `count` requests are in progress at
// once, then the group finishes last first. Only a server that overlaps its
// handlers gets a group together; one that does not is held up for at most
// kRendezvousPatience and shown by "should have had ... in progress". A
// group larger than the thread pool could never meet, so it is refused.
// Groups follow the first client's sequence numbers (see
// HandlerRendezvous).
ZB_STEP(kGiven,
        "the '([^']*)' process starts handler that holds each request until "
        "'(\\d+)' are in progress",
        [](StepContext& context, const std::string&,
           uint64_t count) -> absl::Status {
          if (count < 2) {
            return absl::InvalidArgumentError(
                absl::StrCat("a group of ", count,
                             " request(s) shows no overlap; groups of 2 to ",
                             kThreadPoolSize, " can"));
          }
          if (count > kThreadPoolSize) {
            return absl::InvalidArgumentError(absl::StrCat(
                "a group of ", count,
                " requests can never be in progress at once on the ",
                kThreadPoolSize,
                " handler threads of this serve's thread-pool servers; groups "
                "of 2 to ",
                kThreadPoolSize, " can"));
          }
          ServerState& state = context.State<ServerState>();
          state.server();
          auto rendezvous =
              std::make_shared<HandlerRendezvous>(count, kRendezvousPatience);
          state.rendezvous = rendezvous;
          state.Start(context,
                      absl::StrCat("a handler holding each request until ",
                                   count, " are in progress"),
                      [rendezvous](const Frame& request, HandlerRecord&) {
                        rendezvous->Meet(request.sequence());
                        return Echo(request);
                      });
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process should have had '(\\d+)' requests in progress "
        "at once",
        [](StepContext& context, const std::string&,
           uint64_t count) -> absl::Status {
          const ServerState& state = context.State<ServerState>();
          if (state.rendezvous == nullptr) {
            return Failed(
                "no handler here holds requests until several are in "
                "progress");
          }
          const HandlerRendezvous& rendezvous = *state.rendezvous;
          if (const std::optional<std::string> failure = rendezvous.failure()) {
            return Failed(*failure);
          }
          const size_t most = rendezvous.most_in_progress();
          if (most < count) {
            return Failed(absl::StrCat("at most ", most,
                                       " requests were in progress at once, "
                                       "not ",
                                       count));
          }
          const std::vector<uint64_t> order = rendezvous.finish_order();
          if (std::is_sorted(order.begin(), order.end())) {
            return Failed(absl::StrCat(
                "the handlers finished in request order (",
                absl::StrJoin(order, ", "), "): nothing was reordered"));
          }
          context.log().Info(absl::StrCat(
              most, " requests were in progress at once; handlers finished as ",
              absl::StrJoin(order, ", ")));
          return absl::OkStatus();
        });

ZB_STEP(kGiven,
        "the '([^']*)' process starts handler that doubles request size",
        [](StepContext& context, const std::string&) -> absl::Status {
          context.State<ServerState>().Start(
              context, "a handler answering every request twice over",
              [](const Frame& request, HandlerRecord&) {
                std::vector<std::byte> doubled = Echo(request);
                doubled.insert(doubled.end(), request.span().begin(),
                               request.span().end());
                return doubled;
              });
          return absl::OkStatus();
        });

ZB_STEP(kGiven,
        "the '([^']*)' process starts handler that implements XOR with key "
        "'([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& key_text) -> absl::Status {
          uint32_t key = 0;
          const bool hex = key_text.size() > 2 && key_text[0] == '0' &&
                           (key_text[1] == 'x' || key_text[1] == 'X');
          const bool parsed = hex ? absl::SimpleHexAtoi(key_text, &key)
                                  : absl::SimpleAtoi(key_text, &key);
          if (!parsed || key > 0xFF) {
            return absl::InvalidArgumentError(absl::StrCat(
                "'", key_text, "' is not a one-byte key (0x00 to 0xFF)"));
          }
          context.State<ServerState>().Start(
              context, absl::StrCat("a handler XOR-ing every byte with ", key),
              [key](const Frame& request, HandlerRecord&) {
                std::vector<std::byte> response = Echo(request);
                for (std::byte& value : response) {
                  value ^= static_cast<std::byte>(key);
                }
                return response;
              });
          return absl::OkStatus();
        });

// The client's response buffer has the sizes of the server's request
// buffer (ServerRequestConfig explains why), or, when asked, the fixed
// sizes of the upstream C# and Python clients.
absl::Status CreateClient(StepContext& context, const std::string& channel,
                          bool upstream_response_buffer) {
  ClientState& state = context.State<ClientState>();
  state = ClientState();
  state.channel = context.PhysicalName(channel);
  const BufferConfig server_config = ServerRequestConfig(state.channel);
  state.response_config =
      upstream_response_buffer ? duplex::kDefaultResponseConfig : server_config;
  state.connection =
      ConnectClient(context, state.channel, state.response_config);
  // Mapped after connecting: the buffer the client writes to.
  state.request_ring =
      std::make_unique<SegmentAccess>(DuplexRequestBufferName(state.channel));
  return absl::OkStatus();
}

ZB_STEP(kWhen, "the '([^']*)' process creates duplex channel client '([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& channel) -> absl::Status {
          return CreateClient(context, channel,
                              /*upstream_response_buffer=*/false);
        });

ZB_STEP(kWhen,
        "the '([^']*)' process creates duplex channel client '([^']*)' with "
        "the upstream response buffer",
        [](StepContext& context, const std::string&,
           const std::string& channel) -> absl::Status {
          return CreateClient(context, channel,
                              /*upstream_response_buffer=*/true);
        });

// 13.10: "a new 'server' process" names no process Harmony recognises, so
// this runs wherever the previous step ran (the client). A server that only
// exists as an object claims no name; the channel is created when it starts,
// and with no handler sentence to follow, it starts as an echo server.
ZB_STEP(kWhen,
        "a new '([^']*)' process creates immutable duplex channel '([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& channel) -> absl::Status {
          ServerState& state = context.State<ServerState>();
          state.Create(context, context.PhysicalName(channel),
                       kDefaultDuplexConfig,
                       duplex::ProcessingMode::kSingleThread);
          state.Start(context, "an echo handler",
                      [](const Frame& request, HandlerRecord&) {
                        return Echo(request);
                      });
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps::duplex_steps
