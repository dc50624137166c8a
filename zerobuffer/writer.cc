#include "zerobuffer/writer.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/process.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "zerobuffer/deadline.h"
#include "zerobuffer/errors.h"
#include "zerobuffer/free_space.h"
#include "zerobuffer/log.h"
#include "zerobuffer/name_check.h"
#include "zerobuffer/names.h"
#include "zerobuffer/oieb_check.h"
#include "zerobuffer/oieb_view.h"
#include "zerobuffer/options_check.h"
#include "zerobuffer/platform_errors.h"
#include "zerobuffer/spin.h"
#include "zerobuffer/stale_cleanup.h"

namespace zerobuffer {
namespace {

platform::SharedMemory OpenSegment(const std::string& name,
                                   const std::string& segment_name) {
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(segment_name);
  if (absl::IsNotFound(segment.status())) {
    throw BufferNotFoundException(absl::StrCat("no shared memory named '", name,
                                               "' (no reader has created it)"));
  }
  if (absl::IsFailedPrecondition(segment.status())) {
    throw BufferNotFoundException(
        absl::StrCat("buffer '", name, "' is still being created"));
  }
  if (!segment.ok()) {
    ThrowPlatformError(segment.status(),
                       absl::StrCat("Failed to open buffer '", name, "'"));
  }
  if (segment->size() < kOiebSize) {
    throw IncompatibleBufferException(
        absl::StrCat("segment '", name, "' is ", segment->size(),
                     " bytes, too small for an OIEB"));
  }
  const OIEB oieb = OiebView(segment->data()).Snapshot();
  // The reader publishes its PID last, once the OIEB is complete, and
  // clears it first when it removes the buffer: without it the OIEB may be
  // half written, so nothing else in it can be judged yet.
  if (oieb.reader_pid == 0) {
    throw BufferNotFoundException(
        absl::StrCat("buffer '", name,
                     "' has no reader yet (or any more): it is being "
                     "created or removed"));
  }
  const absl::Status compatible = CheckOiebForConnect(oieb, segment->size());
  if (!compatible.ok()) {
    throw IncompatibleBufferException(
        absl::StrCat("buffer '", name, "': ", compatible.message()));
  }
  return *std::move(segment);
}

platform::NamedSemaphore OpenSemaphore(const std::string& semaphore_name,
                                       const std::string& buffer_name) {
  absl::StatusOr<platform::NamedSemaphore> semaphore =
      platform::NamedSemaphore::Open(semaphore_name);
  if (!semaphore.ok()) {
    ThrowPlatformError(
        semaphore.status(),
        absl::StrCat("Failed to open semaphore '", semaphore_name,
                     "' of buffer '", buffer_name, "'"));
  }
  return *std::move(semaphore);
}

}  // namespace

class WriterImpl {
 public:
  WriterImpl(const std::string& name, const WriterOptions& options)
      : name_(name),
        options_(options),
        object_names_(BufferObjectNames::For(name, options.object_namespace)),
        segment_(OpenSegment(name, object_names_.segment)),
        write_semaphore_(OpenSemaphore(object_names_.write_semaphore, name)),
        read_semaphore_(OpenSemaphore(object_names_.read_semaphore, name)),
        oieb_(segment_.data()),
        metadata_capacity_(oieb_.Load(&OIEB::metadata_size)),
        metadata_block_(segment_.data() + kOiebSize),
        ring_size_(oieb_.Load(&OIEB::payload_size)),
        ring_(segment_.data() + kOiebSize + metadata_capacity_),
        write_pos_(oieb_.Load(&OIEB::payload_write_pos) % ring_size_),
        written_count_(oieb_.Load(&OIEB::payload_written_count)) {
    const uint64_t reader_pid = oieb_.Load(&OIEB::reader_pid);
    if (!platform::IsProcessAlive(reader_pid)) {
      throw ReaderDeadException(
          absl::StrCat("No active reader found for buffer '", name_,
                       "' (reader PID ", reader_pid, ")"));
    }
    ClaimWriterSlot();
    next_liveness_check_ =
        Deadline::Clock::now() + options_.liveness_check_interval;
    // Metadata is write-once per buffer, not per writer session.
    metadata_written_ = oieb_.Load(&OIEB::metadata_written_bytes) > 0;
  }

  ~WriterImpl() { Close(); }

  const std::string& name() const { return name_; }
  uint64_t frames_written() const { return frames_written_.load(); }
  uint64_t bytes_written() const { return bytes_written_.load(); }
  OIEB Snapshot() const { return oieb_.Snapshot(); }

  void Write(const void* data, size_t size) {
    std::lock_guard lock(mutex_);
    ThrowIfClosed();
    reservation_.reset();
    const uint64_t offset = Reserve(size);
    std::memcpy(ring_ + offset + kFrameHeaderSize, data, size);
    Publish(offset, size);
  }

  std::span<std::byte> ReserveFrame(size_t size, uint64_t& sequence_number) {
    std::lock_guard lock(mutex_);
    ThrowIfClosed();
    reservation_.reset();
    const uint64_t offset = Reserve(size);
    reservation_ = Reservation{offset, size};
    // Assigned at commit; reported now so callers can tag the frame.
    sequence_number = next_sequence_;
    return {ring_ + offset + kFrameHeaderSize, size};
  }

  void CommitFrame() {
    std::lock_guard lock(mutex_);
    ThrowIfClosed();
    if (!reservation_.has_value()) {
      throw ZeroBufferException(
          "commit_frame() called without a frame from get_frame_buffer()");
    }
    const Reservation reservation = *reservation_;
    reservation_.reset();
    Publish(reservation.offset, reservation.size);
  }

  std::span<std::byte> ReserveMetadata(size_t size) {
    std::lock_guard lock(mutex_);
    ThrowIfClosed();
    if (metadata_written_) {
      throw MetadataAlreadyWrittenException(
          absl::StrCat("buffer '", name_, "'"));
    }
    if (size > metadata_capacity_ ||
        metadata_capacity_ - size < kMetadataPrefixSize) {
      throw MetadataTooLargeException(absl::StrCat(
          size, " bytes of metadata need ", size + kMetadataPrefixSize,
          " bytes; the metadata block of buffer '", name_, "' holds ",
          metadata_capacity_));
    }
    metadata_reservation_ = size;
    return {metadata_block_ + kMetadataPrefixSize, size};
  }

  void CommitMetadata() {
    std::lock_guard lock(mutex_);
    ThrowIfClosed();
    if (!metadata_reservation_.has_value()) {
      throw ZeroBufferException(
          "commit_metadata() called without get_metadata_buffer()");
    }
    const uint64_t length = *metadata_reservation_;
    metadata_reservation_.reset();
    std::memcpy(metadata_block_, &length, sizeof(length));
    const uint64_t written = kMetadataPrefixSize + length;
    oieb_.Store(&OIEB::metadata_free_bytes, metadata_capacity_ - written);
    // Last, with release: a reader that sees it sees the content.
    oieb_.Store(&OIEB::metadata_written_bytes, written);
    metadata_written_ = true;
  }

  void SetWriteTimeout(std::chrono::milliseconds timeout) {
    ThrowIfInvalidWriteTimeout(timeout);
    std::lock_guard lock(mutex_);
    options_.write_timeout = timeout;
  }

  std::chrono::milliseconds WriteTimeout() {
    std::lock_guard lock(mutex_);
    return options_.write_timeout;
  }

  bool IsReaderConnected() const {
    return platform::IsProcessAlive(oieb_.Load(&OIEB::reader_pid));
  }

  // Runs from the destructor too, so nothing may escape: a failure is
  // logged, and whatever a crashed reader left is for a later stale scan.
  void Close() noexcept {
    try {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
      // Only clear the slot if it is still ours.
      uint64_t expected = platform::CurrentProcessId();
      oieb_.CompareExchange(&OIEB::writer_pid, expected, 0);
      // A reader that crashed left its objects to us, the last user.
      const uint64_t reader_pid = oieb_.Load(&OIEB::reader_pid);
      if (reader_pid != 0 && !platform::IsProcessAlive(reader_pid)) {
        RemoveBufferIfAbandoned(name_, AbandonmentRule::kReaderAndWriterGone,
                                /*report=*/nullptr, /*held_here=*/{},
                                options_.object_namespace);
      }
    } catch (...) {
      internal::LogCurrentException("Closing a writer");
    }
  }

 private:
  struct Reservation {
    uint64_t offset;  // of the frame header in the ring
    size_t size;
  };

  // Takes writer_pid when it is free or its holder is dead, atomically, so
  // that two writers racing cannot both win; a rejected writer leaves the
  // slot untouched.
  void ClaimWriterSlot() {
    const uint64_t self = platform::CurrentProcessId();
    uint64_t current = oieb_.Load(&OIEB::writer_pid);
    do {
      if (current != 0 && platform::IsProcessAlive(current)) {
        throw WriterAlreadyConnectedException(
            absl::StrCat("buffer '", name_, "' has writer PID ", current));
      }
    } while (!oieb_.CompareExchange(&OIEB::writer_pid, current, self));
  }

  void ThrowIfClosed() const {
    if (closed_) throw ClosedException(absl::StrCat("writer of '", name_, "'"));
  }

  void ThrowIfReaderGone(bool check_liveness) const {
    const uint64_t reader_pid = oieb_.Load(&OIEB::reader_pid);
    if (reader_pid == 0) {
      throw ReaderDeadException(
          absl::StrCat("the reader of buffer '", name_, "' closed it"));
    }
    if (check_liveness && !platform::IsProcessAlive(reader_pid)) {
      throw ReaderDeadException(absl::StrCat(
          "reader PID ", reader_pid, " of buffer '", name_, "' is gone"));
    }
  }

  // Whether to probe the reader's PID now: at most once per interval, so a
  // crashed reader is noticed even while the ring has room (upstream only
  // notices while blocked), without a syscall per frame.
  bool LivenessCheckDue() {
    const Deadline::Clock::time_point now = Deadline::Clock::now();
    if (now < next_liveness_check_) return false;
    next_liveness_check_ = now + options_.liveness_check_interval;
    return true;
  }

  uint64_t FrameBytes(size_t size) const {
    if (size == 0) {
      throw InvalidFrameSizeException(
          "frame size is 0; a zero-length frame would read as a wrap marker");
    }
    if (size > ring_size_ - kFrameHeaderSize) {
      throw FrameTooLargeException(absl::StrCat(
          size, "-byte frame needs ", size + kFrameHeaderSize,
          " bytes; the ring of buffer '", name_, "' holds ", ring_size_));
    }
    return kFrameHeaderSize + size;
  }

  // Waits until the frame fits, wraps if needed, and returns the ring offset
  // for its header. Nothing is debited for the frame itself yet.
  uint64_t Reserve(size_t size) {
    const uint64_t frame_bytes = FrameBytes(size);
    const Deadline deadline = Deadline::After(options_.write_timeout);
    bool spun = false;
    bool drained = false;
    ThrowIfReaderGone(LivenessCheckDue());
    while (true) {
      ThrowIfReaderGone(/*check_liveness=*/false);
      const uint64_t free = oieb_.Load(&OIEB::payload_free_bytes);
      const WritePlan plan =
          PlanWrite(ring_size_, write_pos_, frame_bytes, free);
      if (plan.kind == WritePlan::Kind::kNeverFits) {
        throw FrameNeverFitsException(absl::StrCat(
            "a ", frame_bytes, "-byte frame fits neither before the end of ",
            "the ", ring_size_, "-byte ring nor before write position ",
            write_pos_, " of buffer '", name_,
            "'; frames of at most half the ring always fit"));
      }
      if (free >= plan.required_free) return Place(plan);
      if (!spun) {
        spun = true;
        if (SpinUntil(options_.spin_before_block, deadline, [&] {
              return oieb_.Load(&OIEB::payload_free_bytes) >=
                     plan.required_free;
            })) {
          continue;
        }
      }
      if (!drained) {
        // sem-r counts every release, but we only consume it when blocked;
        // drop stale wake-ups so the count cannot grow without bound, then
        // look at the space once more before blocking.
        while (read_semaphore_.TryWait()) {
        }
        drained = true;
        continue;
      }
      if (WaitOrThrow(
              read_semaphore_,
              deadline.RemainingAtMost(options_.liveness_check_interval),
              "sem-r", name_)) {
        continue;
      }
      ThrowIfReaderGone(/*check_liveness=*/true);
      if (deadline.Expired()) {
        throw BufferFullException(absl::StrCat(
            "no room for a ", frame_bytes, "-byte frame in buffer '", name_,
            "' within ", options_.write_timeout.count(), " ms (",
            oieb_.Load(&OIEB::payload_free_bytes), " of ", ring_size_,
            " bytes free, ", plan.required_free, " needed)"));
      }
    }
  }

  uint64_t Place(const WritePlan& plan) {
    if (plan.wraps()) {
      if (plan.kind == WritePlan::Kind::kWrapWithMarker) {
        StoreHeader(write_pos_, FrameHeader{0, 0});
        oieb_.Store(&OIEB::payload_written_count, ++written_count_);
      } else {
        // Too short for a marker. Zeroes read as one by upstream readers
        // that look anyway, and ours skip such tails by rule.
        std::memset(ring_ + write_pos_, 0, plan.waste);
      }
      oieb_.FetchSub(&OIEB::payload_free_bytes, plan.waste);
      write_pos_ = 0;
      oieb_.Store(&OIEB::payload_write_pos, 0);
    }
    return write_pos_;
  }

  // Order per protocol.md 10: payload, header, position, free bytes, count,
  // release fence, then the signal.
  void Publish(uint64_t offset, size_t size) {
    const uint64_t frame_bytes = kFrameHeaderSize + size;
    StoreHeader(offset, FrameHeader{size, next_sequence_});
    write_pos_ = (offset + frame_bytes) % ring_size_;
    oieb_.Store(&OIEB::payload_write_pos, write_pos_);
    oieb_.FetchSub(&OIEB::payload_free_bytes, frame_bytes);
    oieb_.Store(&OIEB::payload_written_count, ++written_count_);
    ++next_sequence_;
    frames_written_.fetch_add(1, std::memory_order_relaxed);
    bytes_written_.fetch_add(size, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    const absl::Status posted = write_semaphore_.Post();
    if (!posted.ok()) {
      ThrowPlatformError(posted,
                         absl::StrCat("Failed to signal buffer '", name_, "'"));
    }
  }

  void StoreHeader(uint64_t offset, const FrameHeader& header) {
    // Headers follow frames of any length, so they are not aligned.
    std::memcpy(ring_ + offset, &header, sizeof(header));
  }

  const std::string name_;
  WriterOptions options_;
  const BufferObjectNames object_names_;
  platform::SharedMemory segment_;
  platform::NamedSemaphore write_semaphore_;  // sem-w
  platform::NamedSemaphore read_semaphore_;   // sem-r
  const OiebView oieb_;
  const uint64_t metadata_capacity_;
  std::byte* const metadata_block_;
  const uint64_t ring_size_;
  std::byte* const ring_;

  std::mutex mutex_;
  uint64_t write_pos_;
  uint64_t written_count_;
  uint64_t next_sequence_ = 1;
  bool metadata_written_ = false;
  std::optional<Reservation> reservation_;
  std::optional<size_t> metadata_reservation_;
  bool closed_ = false;
  Deadline::Clock::time_point next_liveness_check_;

  std::atomic<uint64_t> frames_written_{0};
  std::atomic<uint64_t> bytes_written_{0};
};

namespace {

WriterImpl& Checked(const std::unique_ptr<WriterImpl>& impl) {
  if (impl == nullptr) throw ClosedException("writer was moved from");
  return *impl;
}

}  // namespace

Writer::Writer(const std::string& name, const WriterOptions& options) {
  ThrowIfInvalidBufferName(name);
  ThrowIfInvalidOptions(options);
  impl_ = std::make_unique<WriterImpl>(name, options);
}

Writer::Writer(Writer&& other) noexcept = default;
Writer& Writer::operator=(Writer&& other) noexcept = default;
Writer::~Writer() = default;

const std::string& Writer::name() const { return Checked(impl_).name(); }

void Writer::write_frame(const void* data, size_t size) {
  Checked(impl_).Write(data, size);
}

std::span<std::byte> Writer::get_frame_buffer(size_t size,
                                              uint64_t& sequence_number) {
  return Checked(impl_).ReserveFrame(size, sequence_number);
}

void Writer::commit_frame() { Checked(impl_).CommitFrame(); }

void Writer::set_metadata(const void* data, size_t size) {
  WriterImpl& impl = Checked(impl_);
  const std::span<std::byte> block = impl.ReserveMetadata(size);
  if (size > 0) std::memcpy(block.data(), data, size);
  impl.CommitMetadata();
}

std::span<std::byte> Writer::get_metadata_buffer(size_t size) {
  return Checked(impl_).ReserveMetadata(size);
}

void Writer::commit_metadata() { Checked(impl_).CommitMetadata(); }

void Writer::set_write_timeout(std::chrono::milliseconds timeout) {
  Checked(impl_).SetWriteTimeout(timeout);
}

std::chrono::milliseconds Writer::get_write_timeout() const {
  return Checked(impl_).WriteTimeout();
}

bool Writer::is_reader_connected() const {
  return Checked(impl_).IsReaderConnected();
}

uint64_t Writer::frames_written() const {
  return Checked(impl_).frames_written();
}

uint64_t Writer::bytes_written() const {
  return Checked(impl_).bytes_written();
}

OIEB Writer::oieb_snapshot() const { return Checked(impl_).Snapshot(); }

void Writer::close() {
  if (impl_ != nullptr) impl_->Close();
}

}  // namespace zerobuffer
