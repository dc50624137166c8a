#include "zerobuffer/reader.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/process.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "zerobuffer/deadline.h"
#include "zerobuffer/errors.h"
#include "zerobuffer/frame_header_check.h"
#include "zerobuffer/log.h"
#include "zerobuffer/name_check.h"
#include "zerobuffer/names.h"
#include "zerobuffer/oieb_view.h"
#include "zerobuffer/options_check.h"
#include "zerobuffer/owned_buffer.h"
#include "zerobuffer/platform_errors.h"
#include "zerobuffer/release_ledger.h"
#include "zerobuffer/spin.h"

namespace zerobuffer {
namespace {

// How often waits without a semaphore to block on (a writer to connect, a
// buffer to appear) look again.
constexpr std::chrono::milliseconds kPollInterval{10};

}  // namespace

class ReaderImpl final : public internal::FrameOwner,
                         public std::enable_shared_from_this<ReaderImpl> {
 public:
  ReaderImpl(const std::string& name, const BufferConfig& config,
             const ReaderOptions& options)
      : name_(name),
        options_(options),
        buffer_(CreateOwnedBuffer(name, config, options)),
        oieb_(buffer_.segment.data()),
        metadata_block_(buffer_.segment.data() +
                        buffer_.layout.metadata_offset()),
        ring_(buffer_.segment.data() + buffer_.layout.payload_offset()),
        ring_size_(buffer_.layout.payload_size) {}

  ~ReaderImpl() { Close(); }

  const std::string& name() const { return name_; }
  const StaleCleanupReport& stale_cleanup() const {
    return buffer_.stale_cleanup;
  }
  uint64_t frames_read() const { return frames_read_.load(); }
  uint64_t bytes_read() const { return bytes_read_.load(); }
  OIEB Snapshot() const { return oieb_.Snapshot(); }

  Frame Read(std::chrono::milliseconds timeout) {
    std::lock_guard lock(read_mutex_);
    ThrowIfClosed();
    if (!AwaitFrameSignal(timeout)) return Frame();
    // Pairs with the writer's release fence before it posted sem-w.
    std::atomic_thread_fence(std::memory_order_acquire);
    try {
      return TakeFrame();
    } catch (const ZeroBufferException&) {
      // The frame stays unread; give its signal back so that a retry meets
      // the same frame (and the same error) instead of waiting.
      buffer_.write_semaphore.Post().IgnoreError();
      throw;
    }
  }

  void ReleaseFrame(uint64_t ticket) noexcept override {
    ReleaseLedger::Credit credit;
    {
      std::lock_guard lock(ledger_mutex_);
      credit = ledger_.Release(ticket);
    }
    ApplyCredit(credit);
  }

  std::span<const std::byte> Metadata() const {
    ThrowIfClosed();
    const uint64_t written = oieb_.Load(&OIEB::metadata_written_bytes);
    if (written == 0) return {};
    const uint64_t capacity = buffer_.layout.metadata_size;
    if (written < kMetadataPrefixSize || written > capacity) {
      throw ZeroBufferException(absl::StrCat("Invalid metadata size: ", written,
                                             " bytes written in a ", capacity,
                                             "-byte block"));
    }
    uint64_t length = 0;
    std::memcpy(&length, metadata_block_, sizeof(length));
    if (length > written - kMetadataPrefixSize) {
      throw ZeroBufferException(absl::StrCat(
          "Invalid metadata size: prefix says ", length, " bytes but ",
          written - kMetadataPrefixSize, " were written"));
    }
    return {metadata_block_ + kMetadataPrefixSize, length};
  }

  bool IsWriterConnected() const {
    return platform::IsProcessAlive(oieb_.Load(&OIEB::writer_pid));
  }

  bool WaitForWriter(std::chrono::milliseconds timeout) const {
    const Deadline deadline = Deadline::After(timeout);
    while (!IsWriterConnected()) {
      if (deadline.Expired()) return false;
      std::this_thread::sleep_for(
          absl::ToChronoNanoseconds(deadline.RemainingAtMost(kPollInterval)));
    }
    return true;
  }

  // Safe while another thread is blocked in Read: that read runs on until
  // its timeout against the still-mapped segment.
  void Close() noexcept {
    if (closed_.exchange(true)) return;
    oieb_.Store(&OIEB::reader_pid, 0);
    try {
      // A failure is logged; a closing reader can do no more about it.
      UnlinkBufferObjects(buffer_.names).IgnoreError();
    } catch (...) {
      // From the destructor too: nothing may escape.
      internal::LogCurrentException("Closing a reader");
    }
    // Lock files last, so no new reader claims the name while the old
    // objects still exist.
    buffer_.locks.clear();
  }

 private:
  void ThrowIfClosed() const {
    if (closed_.load()) {
      throw ClosedException(absl::StrCat("reader of '", name_, "'"));
    }
  }

  // Waits for a sem-w signal, checking the writer's liveness between
  // slices. False on timeout; throws WriterDeadException.
  bool AwaitFrameSignal(std::chrono::milliseconds timeout) {
    const Deadline deadline = Deadline::After(timeout);
    // A frame arriving meanwhile is taken without sleeping in the kernel,
    // and the writer's post then wakes nobody.
    if (SpinUntil(options_.spin_before_block, deadline,
                  [this] { return buffer_.write_semaphore.TryWait(); })) {
      return true;
    }
    while (true) {
      const absl::Duration slice =
          deadline.RemainingAtMost(options_.liveness_check_interval);
      if (WaitOrThrow(buffer_.write_semaphore, slice, "sem-w", name_)) {
        return true;
      }
      ThrowIfWriterGone();
      if (deadline.Expired()) return false;
    }
  }

  // Called only when no frame is pending.
  void ThrowIfWriterGone() {
    const uint64_t pid = oieb_.Load(&OIEB::writer_pid);
    if (pid != 0) {
      writer_seen_ = true;
      if (!platform::IsProcessAlive(pid)) {
        throw WriterDeadException(absl::StrCat(
            "writer PID ", pid, " of buffer '", name_, "' is gone"));
      }
      return;
    }
    // No writer now. Until one has ever connected, there is nothing to
    // report: the reader is simply early.
    const bool writer_was_here = writer_seen_ ||
                                 oieb_.Load(&OIEB::payload_written_count) > 0 ||
                                 oieb_.Load(&OIEB::metadata_written_bytes) > 0;
    if (writer_was_here && NothingLeftToRead()) {
      throw WriterDeadException(absl::StrCat(
          "the writer of buffer '", name_,
          "' disconnected and every frame it wrote has been read"));
    }
  }

  bool NothingLeftToRead() const {
    return oieb_.Load(&OIEB::payload_written_count) <= read_count_;
  }

  Frame TakeFrame() {
    const uint64_t writer_pid = oieb_.Load(&OIEB::writer_pid);
    if (writer_pid == 0 && NothingLeftToRead()) {
      throw WriterDeadException(absl::StrCat(
          "buffer '", name_, "' was signalled after its writer left"));
    }
    const FrameHeader header = HeaderAtReadPosition();
    FrameHeaderProblem problem =
        CheckFrameHeader(header, read_pos_, ring_size_, expected_sequence_);
    if (problem == FrameHeaderProblem::kSequenceMismatch &&
        header.sequence_number == 1 && writer_pid != last_frame_writer_pid_) {
      // A new writer session numbers from 1 again (protocol.md 3.5).
      expected_sequence_ = 1;
      problem = FrameHeaderProblem::kNone;
    }
    switch (problem) {
      case FrameHeaderProblem::kNone:
        break;
      case FrameHeaderProblem::kSequenceMismatch:
        throw SequenceError(expected_sequence_, header.sequence_number);
      case FrameHeaderProblem::kZeroSize:
      case FrameHeaderProblem::kPastRingEnd:
        throw InvalidFrameSizeException(
            DescribeFrameHeaderProblem(problem, header, read_pos_, ring_size_));
    }

    const uint64_t frame_bytes = kFrameHeaderSize + header.payload_size;
    std::byte* payload = ring_ + read_pos_ + kFrameHeaderSize;
    uint64_t ticket;
    {
      std::lock_guard lock(ledger_mutex_);
      ticket = ledger_.AddFrame(frame_bytes);
    }
    read_pos_ = (read_pos_ + frame_bytes) % ring_size_;
    oieb_.Store(&OIEB::payload_read_pos, read_pos_);
    oieb_.Store(&OIEB::payload_read_count, ++read_count_);
    ++expected_sequence_;
    last_frame_writer_pid_ = writer_pid;
    frames_read_.fetch_add(1, std::memory_order_relaxed);
    bytes_read_.fetch_add(header.payload_size, std::memory_order_relaxed);
    return Frame(shared_from_this(), ticket, payload, header.payload_size,
                 header.sequence_number);
  }

  // The header of the next real frame, after stepping over a ring end that
  // the writer wrapped from (with a marker, or silently from a tail too
  // short for one).
  FrameHeader HeaderAtReadPosition() {
    if (const uint64_t tail = ImplicitWrapBytes(ring_size_, read_pos_)) {
      SkipToRingStart(tail);
    }
    FrameHeader header = LoadHeader(read_pos_);
    if (!header.IsWrapMarker()) return header;
    if (read_pos_ == 0) {
      // No writer wraps from offset 0, where the whole ring lies ahead.
      throw InvalidFrameSizeException(DescribeFrameHeaderProblem(
          FrameHeaderProblem::kZeroSize, header, read_pos_, ring_size_));
    }
    SkipToRingStart(ring_size_ - read_pos_);
    oieb_.Store(&OIEB::payload_read_count, ++read_count_);
    return LoadHeader(0);
  }

  void SkipToRingStart(uint64_t tail) {
    ReleaseLedger::Credit credit;
    {
      std::lock_guard lock(ledger_mutex_);
      credit = ledger_.AddSkippedTail(tail);
    }
    ApplyCredit(credit);
    read_pos_ = 0;
    oieb_.Store(&OIEB::payload_read_pos, 0);
  }

  FrameHeader LoadHeader(uint64_t offset) const {
    FrameHeader header;
    // Headers follow frames of any length, so they are not aligned.
    std::memcpy(&header, ring_ + offset, sizeof(header));
    return header;
  }

  void ApplyCredit(const ReleaseLedger::Credit& credit) noexcept {
    if (credit.bytes > 0) {
      oieb_.FetchAdd(&OIEB::payload_free_bytes, credit.bytes);
    }
    for (uint64_t i = 0; i < credit.frames; ++i) {
      // A count at its maximum only means the writer has plenty of wake-ups
      // pending; never fail a release over it (protocol.md 4).
      buffer_.read_semaphore.Post().IgnoreError();
    }
  }

  const std::string name_;
  const ReaderOptions options_;
  OwnedBuffer buffer_;
  const OiebView oieb_;
  std::byte* const metadata_block_;
  std::byte* const ring_;
  const uint64_t ring_size_;
  std::atomic<bool> closed_{false};

  // Read state, guarded by read_mutex_.
  std::mutex read_mutex_;
  uint64_t read_pos_ = 0;
  uint64_t read_count_ = 0;
  uint64_t expected_sequence_ = 1;
  uint64_t last_frame_writer_pid_ = 0;
  bool writer_seen_ = false;

  std::mutex ledger_mutex_;
  ReleaseLedger ledger_;

  std::atomic<uint64_t> frames_read_{0};
  std::atomic<uint64_t> bytes_read_{0};
};

Reader::Reader(const std::string& name, const BufferConfig& config,
               const ReaderOptions& options) {
  ThrowIfInvalidBufferName(name);
  ThrowIfInvalidOptions(options);
  impl_ = std::make_shared<ReaderImpl>(name, config, options);
}

Reader::Reader(Reader&& other) noexcept = default;

Reader& Reader::operator=(Reader&& other) noexcept {
  if (this != &other) {
    if (impl_ != nullptr) impl_->Close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Reader::~Reader() {
  if (impl_ != nullptr) impl_->Close();
}

namespace {

ReaderImpl& Checked(const std::shared_ptr<ReaderImpl>& impl) {
  if (impl == nullptr) throw ClosedException("reader was moved from");
  return *impl;
}

}  // namespace

const std::string& Reader::name() const { return Checked(impl_).name(); }

Frame Reader::read_frame(std::chrono::milliseconds timeout) {
  return Checked(impl_).Read(timeout);
}

Frame Reader::try_read_frame() {
  return Checked(impl_).Read(std::chrono::milliseconds(0));
}

void Reader::release_frame(Frame& frame) { frame.release(); }

std::span<const std::byte> Reader::metadata() const {
  return Checked(impl_).Metadata();
}

std::vector<uint8_t> Reader::get_metadata() const {
  const std::span<const std::byte> bytes = metadata();
  const auto* first = reinterpret_cast<const uint8_t*>(bytes.data());
  return std::vector<uint8_t>(first, first + bytes.size());
}

bool Reader::is_writer_connected() const {
  return Checked(impl_).IsWriterConnected();
}

bool Reader::is_writer_connected(std::chrono::milliseconds timeout) const {
  return Checked(impl_).WaitForWriter(timeout);
}

uint64_t Reader::frames_read() const { return Checked(impl_).frames_read(); }

uint64_t Reader::bytes_read() const { return Checked(impl_).bytes_read(); }

OIEB Reader::oieb_snapshot() const { return Checked(impl_).Snapshot(); }

const StaleCleanupReport& Reader::stale_cleanup_report() const {
  return Checked(impl_).stale_cleanup();
}

void Reader::close() {
  if (impl_ != nullptr) impl_->Close();
}

bool Reader::wait_exists(const std::string& name,
                         std::chrono::milliseconds timeout,
                         ObjectNamespace object_namespace) {
  ThrowIfInvalidBufferName(name);
  const BufferObjectNames names =
      BufferObjectNames::For(name, object_namespace);
  const Deadline deadline = Deadline::After(timeout);
  while (true) {
    absl::StatusOr<platform::SharedMemory> segment =
        platform::SharedMemory::Open(names.segment);
    // The PID check also covers a reader still initialising its OIEB.
    if (segment.ok() && segment->size() >= kOiebSize &&
        platform::NamedSemaphore::Open(names.write_semaphore).ok() &&
        platform::NamedSemaphore::Open(names.read_semaphore).ok() &&
        platform::IsProcessAlive(
            OiebView(segment->data()).Load(&OIEB::reader_pid))) {
      return true;
    }
    if (deadline.Expired()) return false;
    std::this_thread::sleep_for(
        absl::ToChronoNanoseconds(deadline.RemainingAtMost(kPollInterval)));
  }
}

}  // namespace zerobuffer
