#include "steps/duplex/client_state.h"

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "steps/step_failure.h"
#include "steps/support/data_patterns.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/names.h"

namespace zerobuffer::steps::duplex_steps {
namespace {

constexpr std::chrono::milliseconds kServerWait{5000};
constexpr std::chrono::milliseconds kExistsSlice{100};
constexpr size_t kProbeSize = 64;

// Where `actual` first differs from `expected` (a span or a
// RequestPayload), as a failure naming `what`.
template <typename Bytes>
absl::Status CompareBytes(std::span<const std::byte> actual,
                          const Bytes& expected, const std::string& what) {
  if (actual.size() != expected.size()) {
    return Failed(absl::StrCat(what, " has ", actual.size(),
                               " bytes, expected ", expected.size()));
  }
  for (size_t i = 0; i < actual.size(); ++i) {
    if (actual[i] != expected[i]) {
      return Failed(absl::StrCat(what, " differs at byte ", i, " of ",
                                 actual.size(), ": ",
                                 static_cast<int>(actual[i]), " instead of ",
                                 static_cast<int>(expected[i])));
    }
  }
  return absl::OkStatus();
}

}  // namespace

duplex::DuplexClient& ClientState::client() {
  if (connection == nullptr) {
    throw StepFailure(
        "this process has no duplex client: no step created one here");
  }
  return *connection;
}

const SentRequest* ClientState::FindSent(uint64_t sequence) const {
  for (const SentRequest& request : sent) {
    if (request.sequence == sequence) return &request;
  }
  return nullptr;
}

uint64_t ClientState::Send(std::vector<std::byte> bytes) {
  duplex::DuplexClient& current = client();
  const uint64_t write_pos = request_ring->Snapshot().payload_write_pos;
  const uint64_t sequence = current.send_request(bytes);
  const size_t size = bytes.size();
  sent.push_back(SentRequest{sequence, RequestPayload(std::move(bytes)),
                             LocateRequest(write_pos, sequence, size)});
  return sequence;
}

Frame ClientState::Receive(std::chrono::milliseconds timeout) {
  Frame response = client().receive_response(timeout);
  if (!response.valid()) {
    throw StepFailure(absl::StrCat(
        "no response within ", timeout.count(), " ms (", received.size(),
        " received so far, ", sent.size(), " requests sent)"));
  }
  const std::span<const std::byte> bytes = response.span();
  received.push_back(ReceivedResponse{
      response.sequence(), std::vector<std::byte>(bytes.begin(), bytes.end())});
  return response;
}

std::optional<uint64_t> ClientState::LocateRequest(uint64_t write_pos_before,
                                                   uint64_t sequence,
                                                   size_t size) const {
  const uint64_t ring_size = request_ring->ring_size();
  for (const uint64_t offset : {write_pos_before, uint64_t{0}}) {
    if (offset + kFrameHeaderSize + size > ring_size) continue;
    const FrameHeader header = request_ring->HeaderAt(offset);
    if (header.sequence_number == sequence && header.payload_size == size) {
      return offset;
    }
  }
  return std::nullopt;
}

size_t ClientState::outstanding() const {
  return sent.size() > received.size() ? sent.size() - received.size() : 0;
}

BufferConfig ServerRequestConfig(const std::string& channel) {
  // A server between clients removes its request buffer and creates a new
  // one; an attempt that falls in between tries again.
  std::optional<BufferConfig> config;
  std::string problem = "it never appeared";
  PollUntil(kServerWait, [&] {
    if (!duplex::DuplexClient::wait_exists(channel, kExistsSlice)) {
      return false;
    }
    try {
      const OIEB oieb =
          SegmentAccess(DuplexRequestBufferName(channel)).Snapshot();
      config = BufferConfig(oieb.metadata_size, oieb.payload_size);
    } catch (const StepFailure& failure) {
      problem = failure.what();
    }
    return config.has_value();
  });
  if (!config.has_value()) {
    throw StepFailure(absl::StrCat("no duplex server serves channel '", channel,
                                   "' within ", kServerWait.count(),
                                   " ms: ", problem));
  }
  return *config;
}

std::unique_ptr<duplex::DuplexClient> ConnectClient(
    StepContext& context, const std::string& channel,
    const BufferConfig& response_config) {
  auto client =
      std::make_unique<duplex::DuplexClient>(channel, response_config);
  context.log().Info(absl::StrCat("Connected duplex client to ", channel,
                                  " (response buffer metadata ",
                                  response_config.metadata_size, ", payload ",
                                  response_config.payload_size, ")"));
  return client;
}

absl::Status ProbeEcho(StepContext& context, const std::string& channel,
                       std::chrono::milliseconds timeout) {
  std::unique_ptr<duplex::DuplexClient> probe =
      ConnectClient(context, channel, ServerRequestConfig(channel));
  const std::vector<std::byte> request = MakePattern(kProbeSize, 7);
  const SteadyClock::time_point sent = SteadyClock::now();
  const uint64_t sequence = probe->send_request(request);
  Frame response = probe->receive_response(timeout);
  if (!response.valid()) {
    return Failed(absl::StrCat("the server on ", channel,
                               " did not answer a probe request within ",
                               timeout.count(), " ms"));
  }
  if (response.sequence() != sequence) {
    return Failed(absl::StrCat("the probe's response carries sequence ",
                               response.sequence(), ", its request ",
                               sequence));
  }
  const absl::Status same =
      ExpectSameBytes(response.span(), request, "the probe's echo");
  if (!same.ok()) return same;
  context.log().Info(absl::StrCat("A probe client got its echo from ", channel,
                                  " after ", Millis(SteadyClock::now() - sent),
                                  " ms"));
  return absl::OkStatus();
}

absl::Status ExpectSameBytes(std::span<const std::byte> actual,
                             std::span<const std::byte> expected,
                             const std::string& what) {
  return CompareBytes(actual, expected, what);
}

absl::Status ExpectSameBytes(std::span<const std::byte> actual,
                             const RequestPayload& expected,
                             const std::string& what) {
  return CompareBytes(actual, expected, what);
}

std::vector<std::string> BufferLeftovers(const std::string& name) {
  std::vector<std::string> left;
  const BufferObjectNames names = BufferObjectNames::For(name);
  if (platform::SharedMemory::Open(names.segment).ok()) {
    left.push_back(platform::SharedMemory::FilesystemPath(names.segment)
                       .value_or(names.segment));
  }
  for (const std::string& semaphore :
       {names.write_semaphore, names.read_semaphore}) {
    if (platform::NamedSemaphore::Open(semaphore).ok()) {
      left.push_back(
          platform::NamedSemaphore::FilesystemPath(semaphore).value_or(
              semaphore));
    }
  }
  for (const std::string& lock : LockFilePaths(name)) {
    std::error_code error;
    if (std::filesystem::exists(lock, error)) left.push_back(lock);
  }
  return left;
}

}  // namespace zerobuffer::steps::duplex_steps
