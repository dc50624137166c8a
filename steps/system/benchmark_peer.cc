#include "steps/system/benchmark_peer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stop_token>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "steps/step_failure.h"
#include "steps/support/segment_access.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;

constexpr char kProbeBuffer[] = "peer-probes";
constexpr char kAckBuffer[] = "peer-acks";
constexpr char kServiceTask[] = "benchmark peer";
// Acks are 24 bytes (40 with their header): room for 26,000 of them.
constexpr size_t kAckRingSize = 1 << 20;
// How long either side waits for the other to show up or to finish.
constexpr milliseconds kHandshakeTimeout{10000};
// How often the service looks for work and at its stop request.
constexpr milliseconds kPollInterval{100};
// A probe never makes the peer hold it longer than this.
constexpr absl::Duration kMaxHold = absl::Seconds(1);

struct ProbeHeader {
  int64_t sent_ns;
  uint64_t hold_us;
};
static_assert(sizeof(ProbeHeader) == kProbeHeaderSize);

struct AckRecord {
  uint64_t sequence;
  int64_t received_ns;
  uint64_t intact;
};

// The reader PID of buffer `name`, or nullopt when it is gone.
std::optional<platform::ProcessId> OwnerOf(const std::string& name) {
  try {
    return SegmentAccess(name).oieb().Load(&OIEB::reader_pid);
  } catch (const StepFailure&) {
    return std::nullopt;
  }
}

ProbeAck Decode(const Frame& frame) {
  if (frame.size() != sizeof(AckRecord)) {
    throw StepFailure(absl::StrCat("an ack of ", frame.size(),
                                   " bytes arrived; acks have ",
                                   sizeof(AckRecord)));
  }
  AckRecord record;
  std::memcpy(&record, frame.data(), sizeof(record));
  return ProbeAck{record.sequence, record.received_ns, record.intact != 0};
}

Writer ConnectWhenReady(const std::string& probe_name) {
  if (!Reader::wait_exists(probe_name, kHandshakeTimeout)) {
    throw StepFailure(absl::StrCat(
        "no benchmark peer answered within ", kHandshakeTimeout.count(),
        " ms: the scenario's other process runs one only when it is this "
        "serve and has run the feature's background step"));
  }
  return Writer(probe_name);
}

// One session, from the peer's side: read, check, hold, release, ack, until
// the measuring process stops writing probes.
void ServeSession(const std::string& probe_name, const std::string& ack_name,
                  StepLog& log, std::stop_token stop) {
  Reader probes(probe_name, BufferConfig(0, kProbeRingSize));
  Writer acks(ack_name);
  log.Info(absl::StrCat("Benchmark peer: serving probes on '", probe_name,
                        "' for process ", acks.oieb_snapshot().reader_pid));
  PatternWindow pattern;
  uint64_t served = 0;
  uint64_t damaged = 0;
  while (!stop.stop_requested()) {
    Frame frame;
    try {
      frame = probes.read_frame(kPollInterval);
    } catch (const WriterDeadException&) {
      break;  // the measuring process ended the session
    }
    if (!frame.valid()) {
      if (!acks.is_reader_connected()) break;
      continue;
    }
    const int64_t received_ns = SteadyNowNs();
    ProbeHeader header{};
    bool intact = frame.size() >= kProbeHeaderSize;
    if (intact) {
      std::memcpy(&header, frame.data(), sizeof(header));
      intact =
          pattern.Matches(frame.span(), frame.sequence(), kProbeHeaderSize);
    }
    if (header.hold_us > 0) {
      std::this_thread::sleep_for(absl::ToChronoMicroseconds(
          std::min(absl::Microseconds(header.hold_us), kMaxHold)));
    }
    const AckRecord ack{frame.sequence(), received_ns, intact ? 1u : 0u};
    frame.release();
    acks.write_frame(&ack, sizeof(ack));
    ++served;
    if (!intact) ++damaged;
  }
  // The probe buffer goes first: once the acks' writer has left, the
  // measuring process may take the session as over.
  probes.close();
  acks.close();
  log.Info(absl::StrCat("Benchmark peer: session over after ", served,
                        " probes, ", damaged, " of them damaged"));
}

}  // namespace

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void StartPeerService(StepContext& context) {
  // Debian's abseil is not built with ThreadSanitizer, which therefore
  // misses the once-only construction of absl's strerror table and reports
  // its first uses from two threads (every failed buffer lookup makes one)
  // as a race. Building the table before the task's thread starts orders it
  // before both.
  absl::ErrnoToStatus(ENOENT, "").IgnoreError();
  // Names are resolved here: the task must not touch the context.
  const std::string probe_name = context.PhysicalName(kProbeBuffer);
  const std::string ack_name = context.PhysicalName(kAckBuffer);
  StepLog* log = &context.log();
  context.tasks().Start(
      kServiceTask,
      [probe_name, ack_name, log](std::stop_token stop) -> absl::Status {
        const platform::ProcessId self = platform::CurrentProcessId();
        while (!stop.stop_requested()) {
          // The segment alone tells whether another live process opened a
          // session: its reader PID is published once the buffer is
          // complete. (Opening its semaphores here would race with the
          // step thread's in glibc's semaphore table, which
          // ThreadSanitizer cannot see is locked.)
          const std::optional<platform::ProcessId> owner = OwnerOf(ack_name);
          if (!owner.has_value() || *owner == self ||
              !platform::IsProcessAlive(*owner)) {
            std::this_thread::sleep_for(kPollInterval);
            continue;
          }
          try {
            ServeSession(probe_name, ack_name, *log, stop);
          } catch (const ZeroBufferException& error) {
            log->Warning(absl::StrCat("Benchmark peer: session ended by ",
                                      ErrorCodeName(error.code()), ": ",
                                      error.what()));
          }
          // One session per ack buffer: wait until its owner closed it (or
          // died) before looking for the next one.
          while (!stop.stop_requested() && OwnerOf(ack_name) == owner &&
                 platform::IsProcessAlive(*owner)) {
            std::this_thread::sleep_for(kPollInterval);
          }
        }
        return absl::OkStatus();
      });
  log->Info("Benchmark peer service started");
}

PeerSession::PeerSession(StepContext& context)
    : probe_name_(context.PhysicalName(kProbeBuffer)),
      ack_name_(context.PhysicalName(kAckBuffer)),
      acks_(ack_name_, BufferConfig(0, kAckRingSize)),
      probes_(ConnectWhenReady(probe_name_)) {
  if (!acks_.is_writer_connected(kHandshakeTimeout)) {
    throw StepFailure(absl::StrCat("the benchmark peer created '", probe_name_,
                                   "' but never connected to '", ack_name_,
                                   "'"));
  }
  peer_pid_ = probes_.oieb_snapshot().reader_pid;
  context.log().Info(absl::StrCat("Benchmark session with peer process ",
                                  peer_pid_, " on '", probe_name_, "'"));
}

PeerSession::~PeerSession() {
  if (finished_) return;
  try {
    Finish();
  } catch (const std::exception&) {
    // Nothing to report to: the session is being abandoned.
  }
}

SentProbe PeerSession::Send(size_t size, absl::Duration hold) {
  if (size < kProbeHeaderSize || size > kMaxProbeSize) {
    throw StepFailure(absl::StrCat("probes have ", kProbeHeaderSize, " to ",
                                   kMaxProbeSize, " bytes, not ", size));
  }
  pattern_.Reserve(size);
  const ProbeHeader header{
      SteadyNowNs(), static_cast<uint64_t>(
                         absl::ToInt64Microseconds(std::min(hold, kMaxHold)))};
  uint64_t sequence = 0;
  const std::span<std::byte> frame = probes_.get_frame_buffer(size, sequence);
  const std::span<const std::byte> content = pattern_.Slice(size, sequence);
  std::memcpy(frame.data() + kProbeHeaderSize,
              content.data() + kProbeHeaderSize, size - kProbeHeaderSize);
  std::memcpy(frame.data(), &header, sizeof(header));
  probes_.commit_frame();
  return {sequence, header.sent_ns};
}

std::optional<ProbeAck> PeerSession::NextAck(milliseconds timeout) {
  Frame frame;
  try {
    frame = acks_.read_frame(timeout);
  } catch (const WriterDeadException& error) {
    throw StepFailure(absl::StrCat("the benchmark peer left: ", error.what()));
  }
  if (!frame.valid()) return std::nullopt;
  return Decode(frame);
}

std::vector<ProbeAck> PeerSession::Finish() {
  finished_ = true;
  probes_.close();
  std::vector<ProbeAck> rest;
  const auto give_up = std::chrono::steady_clock::now() + kHandshakeTimeout;
  while (true) {
    Frame frame;
    try {
      frame = acks_.read_frame(kPollInterval);
    } catch (const WriterDeadException&) {
      break;  // the peer left after its last ack: the session is over
    }
    if (frame.valid()) {
      rest.push_back(Decode(frame));
    } else if (std::chrono::steady_clock::now() > give_up) {
      throw StepFailure(
          absl::StrCat("the benchmark peer did not finish its "
                       "session within ",
                       kHandshakeTimeout.count(), " ms"));
    }
  }
  acks_.close();
  return rest;
}

}  // namespace zerobuffer::steps
